// What admins see and do on the model registry, for surfaces that show it in full (the web page):
// every version with its training facts, a training job with its epochs, promote and roll back
// with who and why. Part of the Oracle contract (types.ts); createOracle spreads createOperations(db).
// Reads core/db only; never core/training.
import type { Db } from "../db/client.ts";
import { getJob, jobEpochs, listJobs, type Job, type JobState } from "../db/jobs.ts";
import { checkReason } from "../limits.ts";
import type { EpochMetrics } from "../metrics.ts";
import type { StoredQualityFigures } from "../eval/index.ts";
import { listModelVersions, listPromotions, promote, rollback } from "../db/model-versions.ts";

export interface ModelDetails {
  version: number;
  createdAt: Date;
  trainingStartedAt: Date;
  trainingFinishedAt: Date;
  trainingSeconds: number;
  backend: string;
  epochs: number;
  loss: number;
  valLoss: number;
  perplexity: number | null;
  kneserNeyPerplexity: number | null;
  /** Longest run of corpus words copied by the quatrains sampled at evaluation. */
  longestCopied: number | null;
  /** The quality figures of the quatrains sampled at each evaluation temperature (empty: none), and the corpus' own. */
  quality: StoredQualityFigures[];
  corpusQuality: StoredQualityFigures | null;
  gloveSource: string;
  gloveCoverage: number;
  status: "accepted" | "rejected";
  rejectReason: string | null;
  current: boolean;
  jobId: number | null;
  hasWeights: boolean;
  /** The latest promotion of this version, if any: who, when, why. */
  promotedBy: string | null;
  promotedAt: Date | null;
  /** Why this process could not load it (truncated weights, a broken topology…), or null. */
  loadError: string | null;
}

export interface RunDetails {
  id: number;
  state: JobState;
  requestedBy: string;
  reason: string;
  queuedAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  backend: string | null;
  /** Epochs asked for; null = the configured default. */
  epochsPlanned: number | null;
  epochsDone: number;
  version: number | null;
  error: string | null;
  epochs: EpochMetrics[];
}

/** Who did an admin action and why: recorded with the action. */
interface AdminAction {
  by: string;
  reason: string;
}

export interface OracleOperations {
  /** Every version, newest first. */
  listModels(): Promise<ModelDetails[]>;
  getRun(jobId: number): Promise<RunDetails | null>;
  /** The latest training jobs, newest first, without their epochs. */
  listRuns(limit: number): Promise<Omit<RunDetails, "epochs">[]>;
  /** Makes `version` current; null when there is no such version (UserError: its weights are gone). */
  promote(version: number, action: AdminAction): Promise<{ version: number } | null>;
  /** The version current before the current one becomes current again. */
  rollback(action: AdminAction): Promise<{ version: number }>;
}

/** The reason within the core's limit (who did it is built by the surface from a checked name). */
const checkAction = (action: AdminAction) => checkReason(action.reason);

const date = (iso: string | null) => (iso === null ? null : new Date(iso));

const runOf = (job: Job): Omit<RunDetails, "epochs"> => ({
  id: job.id,
  state: job.state,
  requestedBy: job.requestedBy,
  reason: job.reason,
  queuedAt: new Date(job.queuedAt),
  startedAt: date(job.startedAt),
  finishedAt: date(job.finishedAt),
  backend: job.backend,
  epochsPlanned: job.epochs,
  epochsDone: job.epochsDone,
  version: job.version,
  error: job.error,
});

// NaN (no validation examples) and Infinity do not survive JSON: shown as unknown.
const finite = (value: number | undefined): number | null =>
  value !== undefined && Number.isFinite(value) ? value : null;

/** `loadErrors`: the versions the serving core failed to load, and why (shown beside each version). */
export function createOperations(
  db: Db,
  loadErrors: () => ReadonlyMap<number, string> = () => new Map(),
): OracleOperations {
  return {
    async listModels() {
      const [versions, promotions] = await Promise.all([listModelVersions(db), listPromotions(db)]);
      const failed = loadErrors();
      const latestPromotion = new Map<number, (typeof promotions)[number]>();
      for (const p of promotions) if (!latestPromotion.has(p.version)) latestPromotion.set(p.version, p);
      return versions.reverse().map((v) => {
        const promotion = latestPromotion.get(v.version);
        return {
          version: v.version,
          createdAt: v.createdAt,
          trainingStartedAt: v.trainingStartedAt,
          trainingFinishedAt: v.trainingFinishedAt,
          trainingSeconds: (v.trainingFinishedAt.getTime() - v.trainingStartedAt.getTime()) / 1000,
          backend: v.backend,
          epochs: v.epochs.length,
          loss: v.loss,
          valLoss: v.valLoss,
          perplexity: finite(v.evaluation?.perplexity),
          kneserNeyPerplexity: finite(v.evaluation?.kneserNeyPerplexity),
          longestCopied: finite(v.evaluation?.copy.maxLongestCopied),
          quality: v.evaluation?.quality ?? [],
          corpusQuality: v.evaluation?.corpusQuality ?? null,
          gloveSource: v.gloveSource,
          gloveCoverage: v.gloveCoverage,
          status: v.status === "rejected" ? "rejected" : "accepted",
          rejectReason: v.rejectReason,
          current: v.isCurrent,
          jobId: v.jobId,
          hasWeights: v.hasWeights,
          promotedBy: promotion?.promotedBy ?? null,
          promotedAt: promotion?.promotedAt ?? null,
          loadError: failed.get(v.version) ?? null,
        };
      });
    },

    async getRun(jobId) {
      const job = await getJob(db, jobId);
      return job ? { ...runOf(job), epochs: await jobEpochs(db, jobId) } : null;
    },

    async listRuns(limit) {
      return (await listJobs(db, { limit })).map(runOf);
    },

    async promote(version, action) {
      checkAction(action);
      if ((await db.prisma.modelVersion.count({ where: { version } })) === 0) return null;
      const promotion = await promote(db, version, action.by, action.reason);
      return { version: promotion.version };
    },

    async rollback(action) {
      checkAction(action);
      return { version: await rollback(db, action.by) };
    },
  };
}
