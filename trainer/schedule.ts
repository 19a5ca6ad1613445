import cron, { type ScheduledTask } from "node-cron";
import { enqueueScheduledJob, type Job } from "../core/db/jobs.ts";
import type { Db } from "../core/db/client.ts";
import { UserError } from "../core/errors.ts";
import type { Logger } from "../core/logger.ts";

export interface ScheduleOptions {
  /** node-cron expression (config trainer.schedule). */
  expression: string;
  /** IANA time zone the expression is read in (config trainer.timezone). */
  timezone: string;
  requestedBy?: string;
  reason?: string;
}

export interface ScheduleHandle {
  nextRun(): Date | null;
  /** Resolves when every enqueue the schedule started has finished (tests await it). */
  settled(): Promise<void>;
  stop(): Promise<void>;
}

/** Fails fast on a bad expression or time zone, naming the setting. */
export function checkSchedule(expression: string, timezone: string): void {
  const check = cron.validateDetailed(expression);
  if (!check.valid) {
    throw new UserError(
      `TRAINER_SCHEDULE "${expression}" is not a valid cron expression: ${check.errors.map((e) => e.message).join("; ")}.`,
      'Use five fields (minute hour day month weekday), e.g. "0 3 * * *" for 03:00 every night.',
    );
  }
  try {
    new Intl.DateTimeFormat("en", { timeZone: timezone });
  } catch {
    throw new UserError(
      `TRAINER_TIMEZONE "${timezone}" is not an IANA time zone.`,
      'For example "UTC" or "Europe/Paris".',
    );
  }
}

/**
 * Enqueues a training job at every slot of the cron expression. Every trainer process runs the
 * schedule; the slot's idempotency key makes exactly one of them enqueue.
 */
export function startSchedule(db: Db, log: Logger, opts: ScheduleOptions): ScheduleHandle {
  checkSchedule(opts.expression, opts.timezone);
  const pending = new Set<Promise<void>>();
  const fire = async (slot: Date) => {
    try {
      const job: Job | null = await enqueueScheduledJob(db, slot, {
        requestedBy: opts.requestedBy ?? "schedule",
        reason: opts.reason ?? "nightly",
      });
      if (job) log.info({ jobId: job.id, slot: slot.toISOString() }, "schedule enqueued a training job");
      else log.debug({ slot: slot.toISOString() }, "another trainer already enqueued this slot");
    } catch (err) {
      log.error({ err, slot: slot.toISOString() }, "schedule could not enqueue a training job");
    }
  };
  const task: ScheduledTask = cron.createTask(
    opts.expression,
    (ctx) => {
      const p = fire(ctx.date).finally(() => pending.delete(p));
      pending.add(p);
      return p;
    },
    { timezone: opts.timezone, name: "nightly-retrain", noOverlap: false },
  );
  void task.start();
  log.info(
    { expression: opts.expression, timezone: opts.timezone, next: task.getNextRun()?.toISOString() },
    "retrain schedule started",
  );
  return {
    nextRun: () => task.getNextRun(),
    settled: async () => {
      await Promise.all([...pending]);
    },
    stop: async () => {
      await task.destroy();
      await Promise.all([...pending]);
    },
  };
}
