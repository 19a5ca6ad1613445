import type { Db } from "../core/db/client.ts";
import { finishJob, heartbeatJob, isCancelRequested, recordEpoch, requeueJob, type Job } from "../core/db/jobs.ts";
import { renew, TRAINER_LEASE } from "../core/db/leases.ts";
import type { Logger } from "../core/logger.ts";
import { every } from "./every.ts";
import type { TrainFn } from "./types.ts";

export interface RunJobContext {
  db: Db;
  log: Logger;
  train: TrainFn;
  runner: string;
  leaseTtlMs: number;
  heartbeatMs: number;
  /** How often the cancel flag is read from the database. */
  cancelPollMs: number;
  /** True once the service is shutting down. */
  stopping: () => boolean;
}

export type JobEnd = "succeeded" | "rejected" | "failed" | "cancelled" | "requeued" | "lost";

/**
 * Runs one claimed job while holding the trainer lease: renews the lease on a heartbeat, stores
 * epochs as they come, stops after the current batch on cancel, shutdown or a lost lease, and
 * marks the job. Never throws: a failed run is a failed job.
 */
export async function runJob(ctx: RunJobContext, job: Job): Promise<JobEnd> {
  const { db, log, runner } = ctx;
  const jobLog = log.child({ jobId: job.id });
  let lostLease = false;
  let cancelled = job.cancelRequested;

  let lastRenewal = Date.now();
  const stopHeartbeat = every(ctx.heartbeatMs, async () => {
    try {
      const gap = Date.now() - lastRenewal;
      // A long synchronous stretch in training delays the heartbeat; past the TTL another trainer takes over.
      if (gap > ctx.leaseTtlMs / 2)
        jobLog.warn({ gapMs: gap, leaseTtlMs: ctx.leaseTtlMs }, "lease renewal came late: the event loop was blocked");
      if (!(await renew(db, TRAINER_LEASE, runner, ctx.leaseTtlMs, { jobId: job.id }))) {
        lostLease = true;
        jobLog.error("lost the trainer lease (another trainer took it over): stopping this run");
        return;
      }
      lastRenewal = Date.now();
      await heartbeatJob(db, job.id, runner);
    } catch (err) {
      jobLog.warn({ err }, "heartbeat failed; retrying at the next beat");
    }
  });
  const stopCancelWatch = every(ctx.cancelPollMs, async () => {
    try {
      if (!cancelled && (await isCancelRequested(db, job.id))) {
        cancelled = true;
        jobLog.info("cancel requested: stopping after the current batch");
      }
    } catch (err) {
      jobLog.warn({ err }, "could not read the cancel flag");
    }
  });

  jobLog.info(
    { requestedBy: job.requestedBy, reason: job.reason, epochs: job.epochs, attempt: job.attempts },
    "training job starts",
  );
  try {
    const outcome = await ctx.train({
      epochs: job.epochs ?? undefined,
      jobId: job.id,
      requestedBy: job.requestedBy,
      allowCorpusChange: job.allowCorpusChange,
      shouldStop: () => cancelled || lostLease || ctx.stopping(),
      onEpoch: async (m) => {
        // Progress for whoever watches the logs (`npm start` trains its first model in view).
        jobLog.info(
          { epoch: m.epoch, loss: m.loss, valLoss: m.valLoss, seconds: m.seconds },
          `epoch ${m.epoch} done (val loss ${m.valLoss.toFixed(3)})`,
        );
        await recordEpoch(db, job.id, m);
      },
    });
    stopHeartbeat();
    stopCancelWatch();
    if (lostLease) {
      // The taker has marked this job; a version saved in the meantime is complete but orphaned from it.
      if (outcome.version !== null)
        jobLog.error({ version: outcome.version }, "saved a version after losing the lease; check it (oracle models)");
      return "lost";
    }
    if (outcome.status === "stopped") {
      if (cancelled) {
        await finishJob(db, job.id, { state: "cancelled", runner, error: "cancelled while running" });
        return "cancelled";
      }
      if (ctx.stopping()) {
        // Nothing acknowledged is lost: the job runs again from the start on the next trainer.
        const state = await requeueJob(db, job.id, { runner, note: "trainer shut down mid-run; re-queued" });
        return state === "cancelled" ? "cancelled" : "requeued";
      }
      await finishJob(db, job.id, { state: "failed", runner, error: `training stopped early: ${outcome.reason}` });
      return "failed";
    }
    const state = outcome.status === "accepted" ? "succeeded" : "rejected";
    await finishJob(db, job.id, {
      state,
      runner,
      version: outcome.version,
      backend: outcome.backend,
      error: state === "rejected" ? outcome.reason : null,
    });
    jobLog.info({ version: outcome.version, state, reason: outcome.reason }, "training job finished");
    return state;
  } catch (err) {
    stopHeartbeat();
    stopCancelWatch();
    jobLog.error({ err }, "training job failed");
    if (lostLease) return "lost";
    const message = err instanceof Error ? err.message : String(err);
    try {
      await finishJob(db, job.id, { state: "failed", runner, error: message });
    } catch (markErr) {
      jobLog.error({ err: markErr }, "could not mark the job failed; the next lease holder will");
    }
    return "failed";
  }
}
