import type { Prisma } from "../../prisma/generated/sqlite/index.js";
import { UserError } from "../errors.ts";
import type { Db } from "./client.ts";
import { withRegistryLock, type Tx } from "./transaction.ts";

type Json = Prisma.InputJsonValue;

import type { EpochMetrics } from "../metrics.ts";
import type { VersionEvaluation } from "../eval/version-evaluation.ts";

/** What every version records about its training run. */
interface TrainingFacts {
  corpusSha256: string;
  corpusDocuments: number;
  gloveSource: string;
  gloveCoverage: number;
  backend: string;
  epochs: EpochMetrics[];
  loss: number;
  valLoss: number;
  valAcc: number;
}

/** What a finished training run stores. */
export interface NewModelVersion extends TrainingFacts {
  trainingStartedAt: Date;
  trainingFinishedAt: Date;
  status: "accepted" | "rejected";
  rejectReason?: string | null;
  jobId?: number | null;
  /** tf.io ModelArtifacts.modelTopology and weightSpecs. */
  topology: Json;
  weightSpecs: Json;
  weights: Uint8Array;
  vocabulary: string[];
  casing: Record<string, string>;
  hyperParams: Json;
  /** Tokenized corpus as little-endian int32 ids. */
  corpusIds: Uint8Array;
  evaluation?: VersionEvaluation | null;
}

/** A version without its heavy parts, for listings. */
export interface ModelVersionSummary extends TrainingFacts {
  version: number;
  createdAt: Date;
  trainingStartedAt: Date;
  trainingFinishedAt: Date;
  status: string;
  rejectReason: string | null;
  jobId: number | null;
  hyperParams: Prisma.JsonValue;
  evaluation: VersionEvaluation | null;
  /** False once retention dropped the weights. */
  hasWeights: boolean;
  isCurrent: boolean;
  /** Made current by hand past the gate's rejection (oracle promote --force), now or before. */
  forced: boolean;
}

/** A whole version. The blobs are null unless asked for (or, for weights, dropped by retention). */
export interface ModelVersionRecord extends ModelVersionSummary {
  topology: Prisma.JsonValue;
  weightSpecs: Prisma.JsonValue;
  vocabulary: string[];
  casing: Record<string, string>;
  weights: Uint8Array | null;
  corpusIds: Uint8Array | null;
}

export interface LoadOptions {
  withWeights?: boolean;
  withCorpusIds?: boolean;
}

export interface PromotionRecord {
  id: number;
  version: number;
  promotedAt: Date;
  promotedBy: string;
  reason: string;
  rolledBackAt: Date | null;
  rolledBackBy: string | null;
  /** Made current past the gate's rejection (--force). */
  forced: boolean;
}

const summaryFields = {
  version: true,
  createdAt: true,
  trainingStartedAt: true,
  trainingFinishedAt: true,
  status: true,
  rejectReason: true,
  jobId: true,
  hyperParams: true,
  corpusSha256: true,
  corpusDocuments: true,
  gloveSource: true,
  gloveCoverage: true,
  backend: true,
  epochs: true,
  loss: true,
  valLoss: true,
  valAcc: true,
  evaluation: true,
} as const;

/** Drivers hand out Buffers (a Uint8Array subclass): callers get a plain Uint8Array view of the same bytes. */
const bytes = (value: Uint8Array): Uint8Array<ArrayBuffer> =>
  value.buffer instanceof ArrayBuffer
    ? new Uint8Array(value.buffer, value.byteOffset, value.byteLength)
    : value.slice();

type SummaryRow = Prisma.ModelVersionGetPayload<{ select: typeof summaryFields }>;

const toSummary = (
  row: SummaryRow,
  hasWeights: boolean,
  current: number | null,
  forced: boolean,
): ModelVersionSummary => ({
  ...row,
  epochs: row.epochs as unknown as EpochMetrics[],
  evaluation: row.evaluation as unknown as VersionEvaluation | null,
  hasWeights,
  isCurrent: row.version === current,
  forced,
});

async function wasForced(tx: Tx | Db["prisma"], version: number): Promise<boolean> {
  return (await tx.promotion.count({ where: { version, forced: true } })) > 0;
}

/** The promotion that makes a version current: the latest one not rolled back. */
async function currentPromotion(tx: Tx | Db["prisma"]): Promise<PromotionRecord | null> {
  return tx.promotion.findFirst({ where: { rolledBackAt: null }, orderBy: { id: "desc" } });
}

async function hasWeights(tx: Tx | Db["prisma"], version: number): Promise<boolean> {
  return (await tx.modelVersion.count({ where: { version, weights: { not: null } } })) > 0;
}

/**
 * Stores a finished training run and returns its version number. With `promote`, it becomes current
 * in the same transaction, so no reader ever sees a current version without its row.
 */
export async function createModelVersion(
  db: Db,
  data: NewModelVersion,
  options: { promote?: { by: string; reason: string } } = {},
): Promise<number> {
  const row = {
    ...data,
    rejectReason: data.rejectReason ?? null,
    jobId: data.jobId ?? null,
    weights: bytes(data.weights),
    corpusIds: bytes(data.corpusIds),
    epochs: data.epochs as unknown as Json,
    // The JSON column holds a VersionEvaluation; Prisma types it as any JSON.
    evaluation: (data.evaluation ?? undefined) as Json | undefined,
  };
  const { promote } = options;
  if (!promote) {
    return (await db.prisma.modelVersion.create({ data: row, select: { version: true } })).version;
  }
  return withRegistryLock(db, async (tx) => {
    const { version } = await tx.modelVersion.create({ data: row, select: { version: true } });
    await tx.promotion.create({ data: { version, promotedBy: promote.by, reason: promote.reason } });
    return version;
  });
}

/**
 * The blobs asked for, on the driver (direct.ts): Prisma's driver adapters pass bytes as arrays of
 * numbers, 0.5–0.8 s of the event loop for a 2.3 MB model, a bot's stall at every new version.
 */
async function blobsOf(
  db: Db,
  version: number,
  options: LoadOptions,
): Promise<{ weights: Uint8Array | null; corpusIds: Uint8Array | null }> {
  const columns = [options.withWeights && '"weights"', options.withCorpusIds && '"corpusIds"'].filter(Boolean);
  if (columns.length === 0) return { weights: null, corpusIds: null };
  const [{ rows }] = await db.direct.run({
    sql: `SELECT ${columns.join(", ")} FROM "ModelVersion" WHERE "version" = $1`,
    params: [version],
  });
  const row = rows[0] ?? {};
  return {
    weights: row.weights instanceof Uint8Array ? row.weights : null,
    corpusIds: row.corpusIds instanceof Uint8Array ? row.corpusIds : null,
  };
}

export async function getModelVersion(
  db: Db,
  version: number,
  options: LoadOptions = {},
): Promise<ModelVersionRecord | null> {
  const row = await db.prisma.modelVersion.findUnique({
    where: { version },
    select: {
      ...summaryFields,
      topology: true,
      weightSpecs: true,
      vocabulary: true,
      casing: true,
    },
  });
  if (!row) return null;
  const { topology, weightSpecs, vocabulary, casing, ...summary } = row;
  const { weights, corpusIds } = await blobsOf(db, version, options);
  const current = (await currentPromotion(db.prisma))?.version ?? null;
  const stored = options.withWeights ? weights != null : await hasWeights(db.prisma, version);
  return {
    ...toSummary(summary, stored, current, await wasForced(db.prisma, version)),
    topology,
    weightSpecs,
    vocabulary: vocabulary as string[],
    casing: casing as Record<string, string>,
    weights: weights ? bytes(weights) : null,
    corpusIds: corpusIds ? bytes(corpusIds) : null,
  };
}

/**
 * One version's facts and vocabulary size, without its topology or blobs: what describing a version
 * needs, readable even when its topology or weights are broken.
 */
export async function modelVersionSummary(
  db: Db,
  version: number,
): Promise<(ModelVersionSummary & { vocabularySize: number }) | null> {
  const row = await db.prisma.modelVersion.findUnique({
    where: { version },
    select: { ...summaryFields, vocabulary: true },
  });
  if (!row) return null;
  const { vocabulary, ...summary } = row;
  const current = (await currentPromotion(db.prisma))?.version ?? null;
  return {
    ...toSummary(summary, await hasWeights(db.prisma, version), current, await wasForced(db.prisma, version)),
    vocabularySize: Array.isArray(vocabulary) ? vocabulary.length : 0,
  };
}

/** Every version, oldest first, without blobs, vocabulary or topology. */
export async function listModelVersions(db: Db): Promise<ModelVersionSummary[]> {
  const [rows, withWeights, current, forced] = await Promise.all([
    db.prisma.modelVersion.findMany({ select: summaryFields, orderBy: { version: "asc" } }),
    db.prisma.modelVersion.findMany({ where: { weights: { not: null } }, select: { version: true } }),
    currentPromotion(db.prisma),
    db.prisma.promotion.findMany({ where: { forced: true }, distinct: ["version"], select: { version: true } }),
  ]);
  const stored = new Set(withWeights.map((r) => r.version));
  const forcedVersions = new Set(forced.map((r) => r.version));
  return rows.map((row) =>
    toSummary(row, stored.has(row.version), current?.version ?? null, forcedVersions.has(row.version)),
  );
}

/** The version the oracle speaks with, or null before the first promotion. */
export async function currentModelVersion(db: Db, options: LoadOptions = {}): Promise<ModelVersionRecord | null> {
  const promotion = await currentPromotion(db.prisma);
  return promotion ? getModelVersion(db, promotion.version, options) : null;
}

export async function currentPromotionOf(db: Db): Promise<PromotionRecord | null> {
  return currentPromotion(db.prisma);
}

/** The promotion log, newest first. */
export async function listPromotions(db: Db): Promise<PromotionRecord[]> {
  return db.prisma.promotion.findMany({ orderBy: { id: "desc" } });
}

export interface PromoteOptions {
  /** Promote a version the gate rejected (recorded on the promotion, and shown by oracle models). */
  force?: boolean;
}

/**
 * Makes `version` current. A version the gate rejected needs `force`. Promoting the version that is
 * already current changes nothing and records nothing (so a later rollback goes back to the one
 * before): the result's `alreadyCurrent` says so, and the caller tells the user.
 */
export async function promote(
  db: Db,
  version: number,
  by: string,
  reason: string,
  options: PromoteOptions = {},
): Promise<PromotionRecord & { alreadyCurrent: boolean }> {
  return withRegistryLock(db, async (tx) => {
    const row = await tx.modelVersion.findUnique({ where: { version }, select: { status: true, rejectReason: true } });
    if (!row) throw new UserError(`There is no model version ${version}.`, "See the versions with: oracle models");
    if (!(await hasWeights(tx, version))) {
      throw new UserError(
        `Model version ${version} has no weights any more (retention dropped them), so it cannot be promoted.`,
      );
    }
    const current = await currentPromotion(tx);
    if (current?.version === version) return { ...current, alreadyCurrent: true };
    const rejected = row.status === "rejected";
    if (rejected && !options.force) {
      throw new UserError(
        `Model version ${version} was rejected by the promotion gate: ${row.rejectReason ?? "no reason recorded"}.`,
        `Promote it anyway with: oracle promote ${version} --force`,
      );
    }
    const forced = rejected && options.force === true;
    const created = await tx.promotion.create({
      data: {
        version,
        promotedBy: by,
        reason: forced ? `${reason} (forced past the gate's rejection)` : reason,
        forced,
      },
    });
    return { ...created, alreadyCurrent: false };
  });
}

/**
 * Undoes the current promotion: the version current before it becomes current again. Returns that
 * version; a UserError when there is none to go back to.
 */
export async function rollback(db: Db, by: string): Promise<number> {
  return withRegistryLock(db, async (tx) => {
    const current = await currentPromotion(tx);
    if (!current) throw new UserError("No model version is current, so there is nothing to roll back.");
    const previous = await tx.promotion.findFirst({
      where: { rolledBackAt: null, id: { lt: current.id }, version: { not: current.version } },
      orderBy: { id: "desc" },
    });
    if (!previous) {
      throw new UserError(
        `Version ${current.version} is the only version ever current: there is nothing to roll back to.`,
      );
    }
    if (!(await hasWeights(tx, previous.version))) {
      throw new UserError(`Version ${previous.version} has no weights any more, so it cannot become current again.`);
    }
    // Everything after `previous` is undone: also same-version promotions in between, if any.
    await tx.promotion.updateMany({
      where: { rolledBackAt: null, id: { gt: previous.id } },
      data: { rolledBackAt: new Date(), rolledBackBy: by },
    });
    return previous.version;
  });
}

/** Versions that were current at some time (rolled back or not): retention keeps their weights. */
export async function everCurrentVersions(db: Db): Promise<number[]> {
  const rows = await db.prisma.promotion.findMany({
    distinct: ["version"],
    select: { version: true },
    orderBy: { version: "asc" },
  });
  return rows.map((r) => r.version);
}

/**
 * Retention: drops the weights of the given versions, keeping their metadata. Versions that are or
 * ever were current are never touched. Returns the versions whose weights were dropped.
 */
export async function dropWeights(db: Db, versions: number[]): Promise<number[]> {
  if (versions.length === 0) return [];
  return withRegistryLock(db, async (tx) => {
    const protectedVersions = (await tx.promotion.findMany({ distinct: ["version"], select: { version: true } })).map(
      (r) => r.version,
    );
    const targets = await tx.modelVersion.findMany({
      where: { version: { in: versions, notIn: protectedVersions }, weights: { not: null } },
      select: { version: true },
      orderBy: { version: "asc" },
    });
    const dropped = targets.map((t) => t.version);
    if (dropped.length > 0)
      await tx.modelVersion.updateMany({ where: { version: { in: dropped } }, data: { weights: null } });
    return dropped;
  });
}
