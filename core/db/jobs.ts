import { UserError } from "../errors.ts";
import type { Surface } from "../surface.ts";
import { finishChatCommand } from "./chat-commands.ts";
import type { Db } from "./client.ts";
import type { EpochMetrics } from "../metrics.ts";

/**
 * The training job queue. States move queued → running → succeeded | failed | cancelled |
 * rejected; a running job may go back to queued (service shutdown, dead runner with
 * onLeaseExpired=requeue). Every transition is one conditional UPDATE on the state it leaves,
 * so concurrent runners and CLI calls cannot both win.
 */

export type JobState = "queued" | "running" | "succeeded" | "failed" | "cancelled" | "rejected";
export type FinalJobState = Exclude<JobState, "queued" | "running">;

/** One job, JSON-ready (ISO dates); the first eleven keys and allowCorpusChange are `oracle jobs --json`'s. */
export interface Job {
  id: number;
  state: JobState;
  requestedBy: string;
  reason: string;
  queuedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  backend: string | null;
  epochsDone: number;
  version: number | null;
  error: string | null;
  /** Epochs asked for; null = the configured default. */
  epochs: number | null;
  runner: string | null;
  heartbeatAt: string | null;
  cancelRequested: boolean;
  attempts: number;
  /** The request allows a corpus change to replace the current model (--allow-corpus-change). */
  allowCorpusChange: boolean;
  /** Where it was asked, and the chat channel to tell when it ends. */
  surface: Surface;
  channel: string | null;
  announcedAt: string | null;
}

interface JobRow {
  id: number;
  state: string;
  requestedBy: string;
  reason: string;
  epochs: number | null;
  queuedAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  heartbeatAt: Date | null;
  runner: string | null;
  backend: string | null;
  epochsDone: number;
  version: number | null;
  error: string | null;
  cancelRequested: boolean;
  attempts: number;
  allowCorpusChange: boolean;
  surface: string;
  channel: string | null;
  announcedAt: Date | null;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function toJob(row: JobRow): Job {
  return {
    id: row.id,
    state: row.state as JobState,
    requestedBy: row.requestedBy,
    reason: row.reason,
    queuedAt: row.queuedAt.toISOString(),
    startedAt: iso(row.startedAt),
    finishedAt: iso(row.finishedAt),
    backend: row.backend,
    epochsDone: row.epochsDone,
    version: row.version,
    error: row.error,
    epochs: row.epochs,
    runner: row.runner,
    heartbeatAt: iso(row.heartbeatAt),
    cancelRequested: row.cancelRequested,
    attempts: row.attempts,
    allowCorpusChange: row.allowCorpusChange,
    surface: row.surface as Surface,
    channel: row.channel,
    announcedAt: iso(row.announcedAt),
  };
}

/** Exactly the keys `oracle jobs --json` prints for a job. */
export function jobJson(job: Job) {
  const {
    id,
    state,
    requestedBy,
    reason,
    queuedAt,
    startedAt,
    finishedAt,
    backend,
    epochsDone,
    version,
    error,
    allowCorpusChange,
  } = job;
  return {
    id,
    state,
    requestedBy,
    reason,
    queuedAt,
    startedAt,
    finishedAt,
    backend,
    epochsDone,
    version,
    error,
    allowCorpusChange,
  };
}

export interface EnqueueOptions {
  requestedBy: string;
  reason: string;
  epochs?: number;
  /** Let the run replace the current model even though the corpus changed (recorded on the job). */
  allowCorpusChange?: boolean;
  /** Default cli. */
  surface?: Surface;
  channel?: string | null;
  /** The chat command (ChatCommand) this answers, finished with it. */
  commandId?: number;
}

export async function enqueueJob(db: Db, opts: EnqueueOptions): Promise<Job> {
  if (opts.epochs !== undefined && (!Number.isInteger(opts.epochs) || opts.epochs < 1)) {
    throw new UserError(`Epochs must be a whole number of at least 1, got ${opts.epochs}.`);
  }
  const data = {
    requestedBy: opts.requestedBy,
    reason: opts.reason,
    epochs: opts.epochs ?? null,
    surface: opts.surface ?? "cli",
    channel: opts.channel ?? null,
    allowCorpusChange: opts.allowCorpusChange ?? false,
  };
  const { commandId } = opts;
  if (commandId === undefined) return toJob(await db.prisma.trainingJob.create({ data }));
  // The chat command that asked is finished in the same transaction: a crash never queues it twice.
  return db.prisma.$transaction(async (tx) => {
    const row = await tx.trainingJob.create({ data });
    await finishChatCommand(tx, commandId, `queued job ${row.id}`);
    return toJob(row);
  });
}

/**
 * Enqueues the job of one schedule slot at most once, however many trainer processes fire it:
 * a row in the lease table named after the slot is the idempotency key, created in the same
 * transaction as the job. Returns null when another process already enqueued this slot.
 */
export async function enqueueScheduledJob(
  db: Db,
  slot: Date,
  opts: EnqueueOptions & { keepKeyMs?: number },
): Promise<Job | null> {
  const name = `schedule:${slot.toISOString()}`;
  const now = new Date();
  try {
    return await db.prisma.$transaction(async (tx) => {
      await tx.lease.create({
        data: {
          name,
          holder: "schedule",
          acquiredAt: now,
          renewedAt: now,
          expiresAt: new Date(now.getTime() + (opts.keepKeyMs ?? 7 * 24 * 3600_000)),
        },
      });
      // Forget keys of slots long past, so the table stays small.
      await tx.lease.deleteMany({
        where: { holder: "schedule", name: { startsWith: "schedule:" }, expiresAt: { lt: now } },
      });
      const row = await tx.trainingJob.create({
        data: { requestedBy: opts.requestedBy, reason: opts.reason, epochs: opts.epochs ?? null },
      });
      return toJob(row);
    });
  } catch (e) {
    if ((e as { code?: string } | null)?.code === "P2002") return null;
    throw e;
  }
}

export async function getJob(db: Db, id: number): Promise<Job | null> {
  // As getProphecy: an id no row can have (Infinity from a lenient page schema) is no job, not a query error.
  if (!Number.isSafeInteger(id)) return null;
  const row = await db.prisma.trainingJob.findUnique({ where: { id } });
  return row ? toJob(row) : null;
}

/** Newest first. */
export async function listJobs(db: Db, opts: { limit?: number; state?: JobState } = {}): Promise<Job[]> {
  const rows = await db.prisma.trainingJob.findMany({
    where: opts.state ? { state: opts.state } : {},
    orderBy: { id: "desc" },
    take: opts.limit,
  });
  return rows.map(toJob);
}

export async function countJobs(db: Db, state: JobState): Promise<number> {
  return db.prisma.trainingJob.count({ where: { state } });
}

/** Takes the oldest queued job for `runner`; null when the queue is empty. Only one caller gets a job. */
export async function claimNextJob(
  db: Db,
  runner: string,
  opts: { backend?: string; now?: Date } = {},
): Promise<Job | null> {
  for (;;) {
    const next = await db.prisma.trainingJob.findFirst({
      where: { state: "queued" },
      orderBy: [{ queuedAt: "asc" }, { id: "asc" }],
    });
    if (!next) return null;
    const now = opts.now ?? new Date();
    const { count } = await db.prisma.trainingJob.updateMany({
      where: { id: next.id, state: "queued" },
      data: {
        state: "running",
        runner,
        startedAt: now,
        heartbeatAt: now,
        finishedAt: null,
        error: null,
        epochsDone: 0,
        backend: opts.backend ?? null,
        attempts: { increment: 1 },
      },
    });
    if (count === 1) return (await getJob(db, next.id))!;
    // Someone else took it (or cancelled it) between our read and write: try the next one.
  }
}

/** Stores one finished epoch and advances epochsDone (a retried epoch overwrites its row). */
export async function recordEpoch(db: Db, jobId: number, m: EpochMetrics): Promise<void> {
  const metrics = { loss: m.loss, acc: m.acc, valLoss: m.valLoss, valAcc: m.valAcc, seconds: m.seconds };
  await db.prisma.$transaction([
    db.prisma.jobEpoch.upsert({
      where: { jobId_epoch: { jobId, epoch: m.epoch } },
      create: { jobId, epoch: m.epoch, ...metrics },
      update: { ...metrics, at: new Date() },
    }),
    db.prisma.trainingJob.update({ where: { id: jobId }, data: { epochsDone: m.epoch, heartbeatAt: new Date() } }),
  ]);
}

export async function jobEpochs(db: Db, jobId: number): Promise<EpochMetrics[]> {
  const rows = await db.prisma.jobEpoch.findMany({ where: { jobId }, orderBy: { epoch: "asc" } });
  return rows.map((r) => ({
    epoch: r.epoch,
    loss: r.loss,
    acc: r.acc,
    valLoss: r.valLoss,
    valAcc: r.valAcc,
    seconds: r.seconds,
  }));
}

export async function heartbeatJob(db: Db, id: number, runner: string): Promise<boolean> {
  const { count } = await db.prisma.trainingJob.updateMany({
    where: { id, runner, state: "running" },
    data: { heartbeatAt: new Date() },
  });
  return count === 1;
}

/**
 * Ends a running job. With `runner`, only that runner's job is touched, so a runner that lost its
 * lease cannot overwrite what the taker decided. Returns whether the job was ours to finish.
 */
export async function finishJob(
  db: Db,
  id: number,
  result: { state: FinalJobState; version?: number | null; error?: string | null; runner?: string; backend?: string },
): Promise<boolean> {
  const { count } = await db.prisma.trainingJob.updateMany({
    where: { id, state: "running", ...(result.runner ? { runner: result.runner } : {}) },
    data: {
      state: result.state,
      version: result.version ?? null,
      error: result.error ?? null,
      finishedAt: new Date(),
      ...(result.backend ? { backend: result.backend } : {}),
    },
  });
  return count === 1;
}

/**
 * Puts a running job back in the queue (its epochs start over). A job whose cancel was requested
 * is cancelled instead. Returns the state it ended in, or null when it was not running.
 */
export async function requeueJob(
  db: Db,
  id: number,
  opts: { runner?: string; note?: string } = {},
): Promise<"queued" | "cancelled" | null> {
  const where = { id, state: "running", ...(opts.runner ? { runner: opts.runner } : {}) };
  const cancelled = await db.prisma.trainingJob.updateMany({
    where: { ...where, cancelRequested: true },
    data: { state: "cancelled", finishedAt: new Date(), error: opts.note ?? null },
  });
  if (cancelled.count === 1) return "cancelled";
  const [, requeued] = await db.prisma.$transaction([
    db.prisma.jobEpoch.deleteMany({ where: { jobId: id, job: where } }),
    db.prisma.trainingJob.updateMany({
      where,
      data: {
        state: "queued",
        runner: null,
        startedAt: null,
        heartbeatAt: null,
        epochsDone: 0,
        backend: null,
        error: opts.note ?? null,
      },
    }),
  ]);
  return requeued.count === 1 ? "queued" : null;
}

/** Jobs marked running: with the trainer lease in hand, any of these belongs to a dead runner. */
export async function runningJobs(db: Db): Promise<Job[]> {
  const rows = await db.prisma.trainingJob.findMany({ where: { state: "running" }, orderBy: { id: "asc" } });
  return rows.map(toJob);
}

/**
 * Cancels a job: a queued one at once; a running one is flagged and its runner stops after the
 * current batch. A finished or unknown job is a UserError.
 */
export async function requestCancel(db: Db, id: number): Promise<Job> {
  // A job may move between our statements (queued → running, running → queued on requeue): retry.
  for (let attempt = 0; attempt < 5; attempt++) {
    const queued = await db.prisma.trainingJob.updateMany({
      where: { id, state: "queued" },
      data: { state: "cancelled", finishedAt: new Date(), cancelRequested: true },
    });
    if (queued.count === 1) return (await getJob(db, id))!;
    const running = await db.prisma.trainingJob.updateMany({
      where: { id, state: "running" },
      data: { cancelRequested: true },
    });
    if (running.count === 1) return (await getJob(db, id))!;
    const job = await getJob(db, id);
    if (!job) throw new UserError(`There is no job ${id}.`, "List jobs with: oracle jobs");
    if (job.state !== "queued" && job.state !== "running") {
      throw new UserError(
        `Job ${id} has already finished (${job.state}); only queued or running jobs can be cancelled.`,
      );
    }
  }
  throw new Error(`job ${id} kept changing state while being cancelled`);
}

export async function isCancelRequested(db: Db, id: number): Promise<boolean> {
  const row = await db.prisma.trainingJob.findUnique({ where: { id }, select: { cancelRequested: true } });
  return row?.cancelRequested ?? false;
}

const FINAL_STATES: FinalJobState[] = ["succeeded", "failed", "cancelled", "rejected"];

/**
 * Finished jobs asked from `surface` that no bot has announced yet, each marked announced and
 * returned to exactly one caller: the mark is a conditional update (announcedAt still null), so two
 * bot processes on one database never both announce a job.
 */
export async function claimFinishedJobs(db: Db, surface: Surface, opts: { limit?: number } = {}): Promise<Job[]> {
  const candidates = await db.prisma.trainingJob.findMany({
    where: { surface, state: { in: FINAL_STATES }, announcedAt: null },
    orderBy: { id: "asc" },
    take: opts.limit ?? 50,
  });
  const claimed: Job[] = [];
  for (const row of candidates) {
    const announcedAt = new Date();
    const { count } = await db.prisma.trainingJob.updateMany({
      where: { id: row.id, announcedAt: null },
      data: { announcedAt },
    });
    if (count === 1) claimed.push(toJob({ ...row, announcedAt }));
  }
  return claimed;
}
