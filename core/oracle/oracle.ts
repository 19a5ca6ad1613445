// The serving core every surface calls: owns the model source, the sampling settings, the rate
// limit, the one in-flight limit, the database's health and the recording. Surfaces only translate
// their input and output (contract: types.ts). createOracle wires the named steps below.
import type { Config } from "../../config/schema.ts";
import { BREAK_ID, isPunctuation } from "../corpus/index.ts";
import type { Db } from "../db/client.ts";
import { claimFinishedJobs, enqueueJob } from "../db/jobs.ts";
import { currentPromotionOf, modelVersionSummary } from "../db/model-versions.ts";
import { attachMessage, getProphecy, listProphecies, recordProphecy, type ProphecyRecord } from "../db/prophecies.ts";
import { applyReactionEvent, reactionCounts } from "../db/reactions.ts";
import { claimRequestKey, forgetRequestKey, sweepRequestKeys } from "../db/seen-requests.ts";
import { RateLimitedError, UnavailableError, UserError } from "../errors.ts";
import type { VersionEvaluation } from "../eval/index.ts";
import { checkAbout, checkEmoji, checkEpochs, checkReason } from "../limits.ts";
import type { Logger } from "../logger.ts";
import { databaseModelSource, type ServingModelSource } from "../prophecy/database-model-source.ts";
import { checkRequest, prophesy } from "../prophecy/prophesy.ts";
import { SURFACES } from "../surface.ts";
import { chatCommands } from "./commands.ts";
import { inFlightLimit, type InFlightLimit } from "./in-flight.ts";
import { createOperations } from "./operations.ts";
import { surfaceLimiters, type RateLimiter } from "./rate-limit.ts";
import { databaseHealth, readinessOf, type DatabaseHealth } from "./readiness.ts";
import type {
  HistoryPage,
  HistoryQuery,
  JobOutcome,
  ModelSummary,
  Oracle,
  ProphecyAsk,
  ProphesyOptions,
  ReactionEvent,
  RequestContext,
  RetrainRequest,
  RetrainTicket,
  StoredProphecy,
} from "./types.ts";

export interface OracleDeps {
  db: Db;
  config: Config;
  log: Logger;
  /** The model source; default: the database's current version, watched every BOT_MODEL_POLL_SECONDS. */
  models?: ServingModelSource;
  /**
   * false: no background watch of the model or the database; each prophecy checks the current
   * version (a one-shot CLI command). Default true (a long-running service).
   */
  watch?: boolean;
  /** Clock for the rate limit (tests). */
  now?: () => number;
}

/** What the steps below share. */
interface Core {
  db: Db;
  log: Logger;
  models: ServingModelSource;
  health: DatabaseHealth;
  /** One per surface: the only rate limit on asking (the web's per client address). */
  limiters: Record<RequestContext["surface"], RateLimiter>;
  inFlight: InFlightLimit;
  settings: Config["sampling"];
}

const toStored = (p: ProphecyRecord, reactions: Record<string, number> = {}): StoredProphecy => ({
  id: p.id,
  createdAt: p.createdAt,
  text: p.text,
  lines: p.lines as StoredProphecy["lines"],
  temperature: p.temperature,
  about: p.about,
  seed: p.seed,
  modelVersion: p.modelVersion,
  longestCopied: p.longestCopied,
  surface: p.surface,
  requestedBy: p.requestedBy,
  channel: p.channel,
  messageRef: p.messageRef,
  reactions,
  reactionCount: p.reactionCount,
});

/** The current version from the database, on the tfjs backend the process started (BOT_BACKEND). */
function servingModels(deps: OracleDeps): ServingModelSource {
  return databaseModelSource(deps.db, {
    log: deps.log,
    pollSeconds: deps.watch === false ? 0 : deps.config.bot.modelPollSeconds,
    // A one-shot command draws once: a thread would cost more than it frees.
    samplingThreads: deps.watch === false ? 0 : deps.config.bot.samplingThreads,
  });
}

function checkContext(ctx: RequestContext): void {
  if (!(SURFACES as readonly string[]).includes(ctx.surface)) throw new Error(`unknown surface ${String(ctx.surface)}`);
  if (typeof ctx.requestedBy !== "string" || ctx.requestedBy === "") throw new Error("requestedBy is required");
}

/** A write is refused at once while the database is known to be read-only or gone (not "written" to a ghost). */
function ensureWritable(core: Core): void {
  const problem = core.health.problem();
  if (problem) throw new UnavailableError(problem);
}

async function withReactions(core: Core, records: ProphecyRecord[]): Promise<StoredProphecy[]> {
  const counts = await reactionCounts(
    core.db,
    records.map((r) => r.id),
  );
  return records.map((r) => toStored(r, counts.get(r.id)));
}

/** The ask checked as prophesy() checks it (the starting words against the model), drawing nothing. */
async function checkAsk(core: Core, ask: ProphecyAsk): Promise<void> {
  if (typeof ask.about === "string") checkAbout(ask.about);
  await checkRequest(
    { models: core.models, settings: core.settings },
    { temperature: ask.temperature, about: ask.about, count: ask.count, seed: ask.seed },
  );
}

/** Draws the quatrains (the user's temperature and words, checked), without writing anything. */
function draw(core: Core, ask: ProphecyAsk) {
  if (typeof ask.about === "string") checkAbout(ask.about);
  return prophesy(
    { models: core.models, settings: core.settings },
    { temperature: ask.temperature, about: ask.about, count: ask.count, seed: ask.seed },
  );
}

/** Records each quatrain, one at a time so ids follow the answer's order; the chat command tied to the first. */
async function record(
  core: Core,
  prophecies: Awaited<ReturnType<typeof prophesy>>,
  ctx: RequestContext,
  commandId: number | undefined,
): Promise<StoredProphecy[]> {
  const stored: StoredProphecy[] = [];
  for (const [i, p] of prophecies.entries()) {
    const row = { ...p, surface: ctx.surface, requestedBy: ctx.requestedBy, channel: ctx.channel ?? null };
    stored.push(toStored(await recordProphecy(core.db, row, i === 0 ? { commandId } : {})));
  }
  return stored;
}

/**
 * A place in the in-flight limit first (shed at once, before the rate limit counts the ask and before
 * anything is written), then the database, the rate limit, the draw and the record.
 */
async function prophesyAndRecord(
  core: Core,
  ask: ProphecyAsk,
  ctx: RequestContext,
  options: ProphesyOptions = {},
): Promise<StoredProphecy[]> {
  checkContext(ctx);
  const admission = options.admission ?? core.inFlight.enter();
  try {
    ensureWritable(core);
    const wait = core.limiters[ctx.surface].take(ctx.requestedBy);
    if (wait > 0) throw new RateLimitedError(wait);
    return await record(core, await draw(core, ask), ctx, options.commandId);
  } finally {
    if (!options.admission) admission.release();
  }
}

async function applyReaction(core: Core, event: ReactionEvent): Promise<boolean> {
  if (!(event.at instanceof Date) || Number.isNaN(event.at.getTime()))
    throw new Error("recordReaction: `at` must be a valid Date");
  checkEmoji(event.emoji);
  if (!event.userId) throw new UserError("A reaction needs the user who gave it.");
  ensureWritable(core);
  return (await applyReactionEvent(core.db, event)) !== "unknown-message";
}

async function queueRetrain(core: Core, request: RetrainRequest): Promise<RetrainTicket> {
  checkContext(request);
  const reason = checkReason(request.reason.trim() || `requested from ${request.surface}`);
  const epochs = checkEpochs(request.epochs);
  ensureWritable(core);
  const job = await enqueueJob(core.db, {
    requestedBy: request.requestedBy,
    reason,
    epochs,
    surface: request.surface,
    channel: request.channel ?? null,
    commandId: request.commandId,
  });
  core.log.info({ jobId: job.id, surface: request.surface, requestedBy: request.requestedBy }, "retrain queued");
  return { jobId: job.id, state: job.state };
}

/** The version served (or, before one loads, the one promoted), described without its topology or weights. */
async function describeCurrentModel(core: Core): Promise<ModelSummary | null> {
  const served = core.models.serving();
  const version = served?.version ?? (await currentPromotionOf(core.db))?.version;
  if (version === undefined) return null;
  const summary = await modelVersionSummary(core.db, version);
  if (!summary) return null;
  const evaluation = summary.evaluation as Partial<VersionEvaluation> | null;
  return {
    version: summary.version,
    trainedAt: summary.trainingFinishedAt,
    valLoss: summary.valLoss,
    perplexity: evaluation?.perplexity ?? null,
    kneserNeyPerplexity: evaluation?.kneserNeyPerplexity ?? null,
    vocabularySize: served?.words.length ?? summary.vocabularySize,
  };
}

async function suggest(core: Core, prefix: string, limit: number): Promise<string[]> {
  const model = core.models.serving() ?? (await core.models.current().catch(() => null));
  if (!model) return [];
  const p = prefix.trim().toLowerCase();
  const out: string[] = [];
  // Vocabulary order is by frequency, so common words come first.
  for (let id = 0; id < model.words.length && out.length < limit; id++) {
    const word = model.words[id];
    if (id !== BREAK_ID && !isPunctuation(word) && word.startsWith(p)) out.push(word);
  }
  return out;
}

async function outcomesFor(core: Core, surface: RequestContext["surface"]): Promise<JobOutcome[]> {
  const jobs = await claimFinishedJobs(core.db, surface);
  return jobs.map((job) => ({
    jobId: job.id,
    state: job.state,
    surface: job.surface,
    channel: job.channel,
    requestedBy: job.requestedBy,
    version: job.version,
    detail: job.error,
  }));
}

/** Seen-request keys past their time are swept now and then, not on every request. */
function seenRequests(core: Core) {
  let lastSweep = 0;
  return {
    async firstSeen(key: string, ttlSeconds: number): Promise<boolean> {
      ensureWritable(core);
      const now = Date.now();
      if (now - lastSweep > 60_000) {
        lastSweep = now;
        void sweepRequestKeys(core.db).catch(() => undefined);
      }
      return claimRequestKey(core.db, key, new Date(now + ttlSeconds * 1000));
    },
    forgetSeen: (key: string) => forgetRequestKey(core.db, key),
  };
}

/**
 * Builds the serving core, on the tfjs backend the process started (BOT_BACKEND). It does not own
 * `db`: the caller closes it after `close()`.
 */
export function createOracle(deps: OracleDeps): Oracle & { models: ServingModelSource } {
  const { db, config, log } = deps;
  const models = deps.models ?? servingModels(deps);
  const core: Core = {
    db,
    log,
    models,
    health: databaseHealth(db, log, deps.watch !== false),
    limiters: surfaceLimiters(config, deps.now),
    inFlight: inFlightLimit(config.bot.maxInFlight),
    settings: { ...config.sampling },
  };
  const commands = chatCommands(db, log, config.bot.leaseSeconds);

  return {
    models,
    // The registry as admins see it (models with why a version could not load, runs, promote, roll back).
    ...createOperations(db, () => models.failures()),
    ...seenRequests(core),
    commands,
    admit: () => core.inFlight.tryEnter(),
    checkAsk: (ask) => checkAsk(core, ask),
    prophesy: (ask, ctx, options) => prophesyAndRecord(core, ask, ctx, options),
    async attachMessage(prophecyId, messageRef, channel, options) {
      if (!(await attachMessage(db, prophecyId, messageRef, channel, options))) {
        throw new Error(`attachMessage: there is no prophecy ${prophecyId}`);
      }
    },
    recordReaction: (event) => applyReaction(core, event),
    async history(query: HistoryQuery = {}): Promise<HistoryPage> {
      const page = await listProphecies(db, query);
      return { prophecies: await withReactions(core, page.prophecies), nextCursor: page.nextCursor };
    },
    async getProphecy(id: number) {
      const found = await getProphecy(db, id);
      return found ? (await withReactions(core, [found]))[0] : null;
    },
    currentModel: () => describeCurrentModel(core),
    suggestWords: (prefix, limit = 25) => suggest(core, prefix, limit),
    requestRetrain: (request) => queueRetrain(core, request),
    claimJobOutcomes: (surface) => outcomesFor(core, surface),
    readiness: () => readinessOf(db, core.health, models),
    databaseProblem: () => core.health.problem(),
    async close() {
      await models.close();
      await core.health.close();
      await commands.close();
    },
  };
}
