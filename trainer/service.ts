import { claimNextJob, countJobs, finishJob, requeueJob, runningJobs } from "../core/db/jobs.ts";
import { getLease, isFreeOrExpired, release, renew, tryAcquire, TRAINER_LEASE } from "../core/db/leases.ts";
import { runJob, type RunJobContext } from "./run-job.ts";
import { newRunnerId } from "./runner-id.ts";
import { checkSchedule, startSchedule, type ScheduleHandle } from "./schedule.ts";
import type { TrainerDeps } from "./types.ts";

export interface TrainerHandle {
  runnerId: string;
  /** Resolves once the service has stopped (a long-running command awaits it). */
  stopped: Promise<void>;
  /** When the next scheduled retrain is due (null without a schedule). */
  nextScheduledRun(): Date | null;
  /**
   * Stops after the current batch: the running job is re-queued (or cancelled, if that was
   * asked), the lease released. If that takes longer than `timeoutMs`, the job is re-queued and
   * the lease released anyway, so the process can exit.
   */
  stop(opts?: { timeoutMs?: number }): Promise<void>;
}

/**
 * The trainer service: polls the job queue, runs one job at a time across all trainer processes
 * (the database lease), takes over from dead trainers, runs the retrain schedule.
 */
export async function startTrainerService(deps: TrainerDeps): Promise<TrainerHandle> {
  const { db, log, settings } = deps;
  const runner = deps.runnerId ?? newRunnerId();
  const leaseTtlMs = settings.leaseTimeoutSeconds * 1000;
  const pollMs = settings.pollSeconds * 1000;
  if (deps.schedule !== false) checkSchedule(settings.schedule, settings.timezone);

  let stopping = false;
  let currentJobId: number | null = null;
  let wake: (() => void) | null = null;
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = null;
        resolve();
      }
      wake = done;
    });

  const ctx: RunJobContext = {
    db,
    log,
    train: deps.train,
    runner,
    leaseTtlMs,
    heartbeatMs: settings.heartbeatSeconds * 1000,
    cancelPollMs: Math.min(pollMs, 1000),
    stopping: () => stopping,
  };

  /** With the lease in hand, any job still marked running belongs to a trainer that died. */
  async function recoverOrphans(): Promise<void> {
    for (const job of await runningJobs(db)) {
      const why = `trainer ${job.runner ?? "?"} stopped renewing the trainer lease while running this job`;
      if (settings.onLeaseExpired === "requeue") {
        const state = await requeueJob(db, job.id, { note: `${why}; re-queued` });
        log.warn({ jobId: job.id, deadRunner: job.runner, state }, "re-queued the job of a dead trainer");
      } else {
        await finishJob(db, job.id, { state: "failed", error: why });
        log.warn({ jobId: job.id, deadRunner: job.runner }, "marked the job of a dead trainer failed");
      }
    }
  }

  /** One look at the queue; true when a job ran (then look again at once). */
  async function tick(): Promise<boolean> {
    const [queued, lease] = await Promise.all([countJobs(db, "queued"), getLease(db, TRAINER_LEASE)]);
    const free = isFreeOrExpired(lease);
    if (!free && lease!.holder !== runner) return false;
    if (queued === 0 && (await countJobs(db, "running")) === 0) return false;

    const acquired = await tryAcquire(db, TRAINER_LEASE, runner, leaseTtlMs);
    if (!acquired.acquired) return false;
    if (acquired.tookOverFrom)
      log.warn(acquired.tookOverFrom, "took over the trainer lease of a trainer that stopped renewing it");
    try {
      await recoverOrphans();
      if (stopping) return false;
      const job = await claimNextJob(db, runner, { backend: deps.backend });
      if (!job) return false;
      currentJobId = job.id;
      await renew(db, TRAINER_LEASE, runner, leaseTtlMs, { jobId: job.id });
      // Retention runs inside the training run, after its version is saved (core/training).
      await runJob(ctx, job);
      return true;
    } finally {
      currentJobId = null;
      await release(db, TRAINER_LEASE, runner).catch((err) =>
        log.warn({ err }, "could not release the trainer lease; it expires"),
      );
    }
  }

  const schedule: ScheduleHandle | null =
    deps.schedule === false
      ? null
      : startSchedule(db, log, { expression: settings.schedule, timezone: settings.timezone });

  const loop = (async () => {
    log.info(
      {
        runner,
        pollSeconds: settings.pollSeconds,
        leaseTimeoutSeconds: settings.leaseTimeoutSeconds,
        nextScheduledRun: schedule?.nextRun()?.toISOString() ?? null,
      },
      "trainer service started",
    );
    while (!stopping) {
      let ranJob = false;
      try {
        ranJob = await tick();
      } catch (err) {
        // Nothing crashes the service: a database hiccup is retried at the next poll.
        log.error({ err }, "trainer loop error; retrying at the next poll");
      }
      if (!stopping && !ranJob) await sleep(pollMs);
    }
    log.info({ runner }, "trainer service stopped");
  })();

  return {
    runnerId: runner,
    stopped: loop,
    nextScheduledRun: () => schedule?.nextRun() ?? null,
    async stop(opts = {}) {
      stopping = true;
      wake?.();
      await schedule?.stop();
      const timeoutMs = opts.timeoutMs ?? 8_000;
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        loop.then(() => false),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(true), timeoutMs);
        }),
      ]);
      clearTimeout(timer);
      if (!timedOut) return;
      log.error(
        { jobId: currentJobId, timeoutMs },
        "training did not stop in time: re-queuing its job and releasing the lease",
      );
      if (currentJobId !== null)
        await requeueJob(db, currentJobId, { runner, note: "trainer shut down mid-run; re-queued" });
      await release(db, TRAINER_LEASE, runner);
    },
  };
}
