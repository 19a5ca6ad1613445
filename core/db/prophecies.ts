import type { Prisma } from "../../prisma/generated/sqlite/index.js";
import { UserError } from "../errors.ts";
import type { Surface } from "../surface.ts";
import type { Db } from "./client.ts";

export interface NewProphecy {
  text: string;
  /** The four formatted lines. */
  lines: string[];
  temperature: number;
  about?: string | null;
  /** The seed that reproduces exactly this quatrain. */
  seed?: number | null;
  modelVersion: number;
  longestCopied: number;
  redraws?: number;
  surface: Surface;
  requestedBy?: string | null;
  channel?: string | null;
  messageRef?: string | null;
}

export interface ProphecyRecord {
  id: number;
  createdAt: Date;
  text: string;
  lines: string[];
  temperature: number;
  about: string | null;
  seed: number | null;
  modelVersion: number;
  longestCopied: number;
  redraws: number;
  surface: Surface;
  requestedBy: string | null;
  channel: string | null;
  messageRef: string | null;
  /** Present reactions (all emoji). */
  reactionCount: number;
}

export interface ProphecyFilter {
  surface?: Surface;
  modelVersion?: number;
  minTemperature?: number;
  maxTemperature?: number;
  /** createdAt ≥ from. */
  from?: Date;
  /** createdAt < to. */
  to?: Date;
  /** Case-insensitive "contains" over the text. */
  q?: string;
}

export interface ProphecyQuery extends ProphecyFilter {
  /** new: newest first; reactions: most present reactions first, then newest. */
  sort?: "new" | "reactions";
  limit?: number;
  /** Opaque: the previous page's nextCursor. */
  cursor?: string | null;
}

export interface ProphecyPage {
  prophecies: ProphecyRecord[];
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

export const MAX_PAGE_SIZE = 100;

type Row = Omit<ProphecyRecord, "lines" | "surface"> & { lines: unknown; surface: string };
const toRecord = (row: Row): ProphecyRecord => ({ ...row, lines: row.lines as string[], surface: row.surface as Surface });

export async function recordProphecy(db: Db, data: NewProphecy): Promise<ProphecyRecord> {
  const row = await db.prisma.prophecy.create({
    data: {
      ...data,
      about: data.about ?? null,
      seed: data.seed ?? null,
      redraws: data.redraws ?? 0,
      requestedBy: data.requestedBy ?? null,
      channel: data.channel ?? null,
      messageRef: data.messageRef ?? null,
    },
  });
  return toRecord(row);
}

export async function getProphecy(db: Db, id: number): Promise<ProphecyRecord | null> {
  if (!Number.isSafeInteger(id)) return null;
  const row = await db.prisma.prophecy.findUnique({ where: { id } });
  return row ? toRecord(row) : null;
}

/** Records the platform message that carries a prophecy (and its channel, when given). False for an unknown id. */
export async function attachMessage(db: Db, id: number, messageRef: string, channel?: string | null): Promise<boolean> {
  const { count } = await db.prisma.prophecy.updateMany({
    where: { id },
    data: { messageRef, ...(channel !== undefined ? { channel } : {}) },
  });
  return count === 1;
}

/** The prophecy a platform message carries, or null (indexed by surface + messageRef). */
export async function prophecyOfMessage(db: Db, surface: Surface, messageRef: string): Promise<number | null> {
  const row = await db.prisma.prophecy.findFirst({ where: { surface, messageRef }, select: { id: true }, orderBy: { id: "desc" } });
  return row?.id ?? null;
}

/** The cursor is opaque to callers: the sort it belongs to and the last row's sort key. */
interface Cursor { s: "new" | "reactions"; id: number; c?: number }

const encodeCursor = (c: Cursor) => Buffer.from(JSON.stringify(c)).toString("base64url");

function decodeCursor(raw: string, sort: "new" | "reactions"): Cursor {
  try {
    const c = JSON.parse(Buffer.from(raw, "base64url").toString("utf8")) as Cursor;
    if (c.s === sort && Number.isSafeInteger(c.id) && (sort === "new" || Number.isSafeInteger(c.c))) return c;
  } catch { /* reported below */ }
  throw new UserError("That page link is not valid (any more); start from the first page.");
}

function filterWhere(db: Db, f: ProphecyFilter): Prisma.ProphecyWhereInput {
  const where: Prisma.ProphecyWhereInput = {};
  if (f.surface) where.surface = f.surface;
  if (f.modelVersion !== undefined) where.modelVersion = f.modelVersion;
  if (f.minTemperature !== undefined || f.maxTemperature !== undefined) {
    where.temperature = { ...(f.minTemperature !== undefined ? { gte: f.minTemperature } : {}), ...(f.maxTemperature !== undefined ? { lte: f.maxTemperature } : {}) };
  }
  if (f.from || f.to) where.createdAt = { ...(f.from ? { gte: f.from } : {}), ...(f.to ? { lt: f.to } : {}) };
  const q = f.q?.trim();
  if (q) {
    // SQLite's LIKE ignores (ASCII) case already; PostgreSQL needs mode "insensitive", which the SQLite client type lacks.
    where.text = (db.provider === "postgresql" ? { contains: q, mode: "insensitive" } : { contains: q }) as Prisma.StringFilter;
  }
  return where;
}

/**
 * One page of the history. Keyset pagination (never OFFSET): the cursor holds the last row's
 * sort key, so pages stay stable while new prophecies and reactions arrive, and a deep page costs
 * what the first does (indexes on id and on (reactionCount, id)).
 */
export async function listProphecies(db: Db, query: ProphecyQuery = {}): Promise<ProphecyPage> {
  const sort = query.sort ?? "new";
  const limit = Math.min(Math.max(1, Math.floor(query.limit ?? 20)), MAX_PAGE_SIZE);
  const cursor = query.cursor ? decodeCursor(query.cursor, sort) : null;
  const where = filterWhere(db, query);
  const after: Prisma.ProphecyWhereInput | undefined = !cursor ? undefined
    : sort === "new" ? { id: { lt: cursor.id } }
    : { OR: [{ reactionCount: { lt: cursor.c! } }, { reactionCount: cursor.c!, id: { lt: cursor.id } }] };
  const rows = await db.prisma.prophecy.findMany({
    where: after ? { AND: [where, after] } : where,
    orderBy: sort === "new" ? [{ id: "desc" }] : [{ reactionCount: "desc" }, { id: "desc" }],
    take: limit + 1,
  });
  const page = rows.slice(0, limit).map(toRecord);
  const last = page[page.length - 1];
  const nextCursor = rows.length > limit && last
    ? encodeCursor(sort === "new" ? { s: sort, id: last.id } : { s: sort, id: last.id, c: last.reactionCount })
    : null;
  return { prophecies: page, nextCursor };
}
