// The serving core every surface calls: owns the model source, the sampling settings, the rate
// limit and the recording. Surfaces only translate their input and output (contract: types.ts).
import type { Config } from "../../config/schema.ts";
import { BREAK_ID, isPunctuation } from "../corpus/index.ts";
import type { Db } from "../db/client.ts";
import { claimFinishedJobs, enqueueJob } from "../db/jobs.ts";
import { currentModelVersion, currentPromotionOf, getModelVersion } from "../db/model-versions.ts";
import { attachMessage, getProphecy, listProphecies, recordProphecy, type ProphecyRecord } from "../db/prophecies.ts";
import { applyReactionEvent, reactionCounts } from "../db/reactions.ts";
import { RateLimitedError, UserError } from "../errors.ts";
import type { VersionEvaluation } from "../eval/index.ts";
import type { Logger } from "../logger.ts";
import { databaseModelSource, type ServingModelSource } from "../prophecy/database-model-source.ts";
import { prophesy } from "../prophecy/prophesy.ts";
import { SURFACES } from "../surface.ts";
import { createOperations } from "./operations.ts";
import { surfaceLimiters } from "./rate-limit.ts";
import type {
  HistoryPage,
  HistoryQuery,
  JobOutcome,
  ModelSummary,
  Oracle,
  ProphecyAsk,
  Readiness,
  ReactionEvent,
  RequestContext,
  RetrainRequest,
  RetrainTicket,
  StoredProphecy,
  Surface,
} from "./types.ts";

export interface OracleDeps {
  db: Db;
  config: Config;
  log: Logger;
  /** The model source; default: the database's current version, watched every BOT_MODEL_POLL_SECONDS. */
  models?: ServingModelSource;
  /**
   * false: no background watch; each prophecy checks the current version (a one-shot CLI command).
   * Default true (a long-running service).
   */
  watch?: boolean;
  /** Clock for the rate limit (tests). */
  now?: () => number;
}

export const MAX_REASON_LENGTH = 500;
const DB_PING_TIMEOUT_MS = 3_000;

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

function checkContext(ctx: RequestContext): void {
  if (!(SURFACES as readonly string[]).includes(ctx.surface)) throw new Error(`unknown surface ${String(ctx.surface)}`);
  if (typeof ctx.requestedBy !== "string" || ctx.requestedBy === "") throw new Error("requestedBy is required");
}

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Builds the serving core, on the tfjs backend the process started (BOT_BACKEND). It does not own
 * `db`: the caller closes it after `close()`.
 */
export function createOracle(deps: OracleDeps): Oracle & { models: ServingModelSource } {
  const { db, config, log } = deps;
  const models =
    deps.models ??
    databaseModelSource(db, {
      log,
      pollSeconds: deps.watch === false ? 0 : config.bot.modelPollSeconds,
    });
  const limiters = surfaceLimiters(config, deps.now);
  const settings = { ...config.sampling };

  async function withReactions(records: ProphecyRecord[]): Promise<StoredProphecy[]> {
    const counts = await reactionCounts(
      db,
      records.map((r) => r.id),
    );
    return records.map((r) => toStored(r, counts.get(r.id)));
  }

  return {
    models,
    // The registry as admins see it (models, runs, promote, roll back): operations.ts.
    ...createOperations(db),

    async prophesy(ask: ProphecyAsk, ctx: RequestContext): Promise<StoredProphecy[]> {
      checkContext(ctx);
      const wait = limiters[ctx.surface].take(ctx.requestedBy);
      if (wait > 0) throw new RateLimitedError(wait);
      const prophecies = await prophesy(
        { models, settings },
        {
          temperature: ask.temperature,
          about: ask.about,
          count: ask.count,
          seed: ask.seed,
        },
      );
      const stored: StoredProphecy[] = [];
      // One at a time, so ids follow the order of the answer.
      for (const p of prophecies) {
        const record = await recordProphecy(db, {
          ...p,
          surface: ctx.surface,
          requestedBy: ctx.requestedBy,
          channel: ctx.channel ?? null,
        });
        stored.push(toStored(record));
      }
      return stored;
    },

    async attachMessage(prophecyId, messageRef, channel) {
      if (!(await attachMessage(db, prophecyId, messageRef, channel))) {
        throw new Error(`attachMessage: there is no prophecy ${prophecyId}`);
      }
    },

    async recordReaction(event: ReactionEvent): Promise<boolean> {
      if (!(event.at instanceof Date) || Number.isNaN(event.at.getTime()))
        throw new Error("recordReaction: `at` must be a valid Date");
      const outcome = await applyReactionEvent(db, event);
      return outcome !== "unknown-message";
    },

    async history(query: HistoryQuery = {}): Promise<HistoryPage> {
      const page = await listProphecies(db, query);
      return { prophecies: await withReactions(page.prophecies), nextCursor: page.nextCursor };
    },

    async getProphecy(id: number) {
      const record = await getProphecy(db, id);
      return record ? (await withReactions([record]))[0]! : null;
    },

    async currentModel(): Promise<ModelSummary | null> {
      const served = models.serving();
      const record = served ? await getModelVersion(db, served.version) : await currentModelVersion(db);
      if (!record) return null;
      const evaluation = record.evaluation as Partial<VersionEvaluation> | null;
      return {
        version: record.version,
        trainedAt: record.trainingFinishedAt,
        valLoss: record.valLoss,
        perplexity: evaluation?.perplexity ?? null,
        kneserNeyPerplexity: evaluation?.kneserNeyPerplexity ?? null,
        vocabularySize: record.vocabulary.length,
      };
    },

    async suggestWords(prefix: string, limit = 25): Promise<string[]> {
      const model = models.serving() ?? (await models.current().catch(() => null));
      if (!model) return [];
      const p = prefix.trim().toLowerCase();
      const out: string[] = [];
      // Vocabulary order is by frequency, so common words come first.
      for (let id = 0; id < model.words.length && out.length < limit; id++) {
        const word = model.words[id]!;
        if (id !== BREAK_ID && !isPunctuation(word) && word.startsWith(p)) out.push(word);
      }
      return out;
    },

    async requestRetrain(request: RetrainRequest): Promise<RetrainTicket> {
      checkContext(request);
      const reason = request.reason.trim() || `requested from ${request.surface}`;
      if (reason.length > MAX_REASON_LENGTH)
        throw new UserError(`The reason must be at most ${MAX_REASON_LENGTH} characters.`);
      const job = await enqueueJob(db, {
        requestedBy: request.requestedBy,
        reason,
        epochs: request.epochs,
        surface: request.surface,
        channel: request.channel ?? null,
      });
      log.info({ jobId: job.id, surface: request.surface, requestedBy: request.requestedBy }, "retrain queued");
      return { jobId: job.id, state: job.state };
    },

    async claimJobOutcomes(surface: Surface): Promise<JobOutcome[]> {
      const jobs = await claimFinishedJobs(db, surface);
      return jobs.map((job) => ({
        jobId: job.id,
        state: job.state,
        surface: job.surface,
        channel: job.channel,
        requestedBy: job.requestedBy,
        version: job.version,
        detail: job.error,
      }));
    },

    async readiness(): Promise<Readiness> {
      try {
        await withTimeout(db.prisma.$queryRawUnsafe("SELECT 1"), DB_PING_TIMEOUT_MS, "database ping");
      } catch (error) {
        return { ready: false, reason: `database unreachable: ${(error as Error).message.split("\n")[0]}` };
      }
      const served = models.serving();
      if (served) return { ready: true, modelVersion: served.version };
      const problem = models.problem();
      if (problem) return { ready: false, reason: problem };
      const promotion = await currentPromotionOf(db).catch(() => null);
      return {
        ready: false,
        reason: promotion ? `loading model version ${promotion.version}` : "no model has been trained yet",
      };
    },

    async close() {
      await models.close();
    },
  };
}
