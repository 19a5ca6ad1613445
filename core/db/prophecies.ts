import { UserError } from "../errors.ts";
import type { Surface } from "../surface.ts";
import { finishChatCommandStatement } from "./chat-commands.ts";
import type { Db } from "./client.ts";
import { fromStep } from "./direct.ts";
import { decodeCursor, encodeCursor, searchProphecies, searchWords, type ProphecyFilter } from "./prophecy-search.ts";

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

export interface ProphecyQuery extends ProphecyFilter {
  /** Words that must all occur (case-insensitive, whole words: full-text search, see prophecy-search.ts). */
  q?: string;
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
const toRecord = (row: Row): ProphecyRecord => ({
  ...row,
  lines: row.lines as string[],
  surface: row.surface as Surface,
});

const INSERT_PROPHECY = `INSERT INTO "Prophecy" ("createdAt", "text", "lines", "temperature", "about", "seed",
  "modelVersion", "longestCopied", "redraws", "surface", "requestedBy", "channel", "messageRef")
  VALUES ($1::timestamp, $2, $3::jsonb, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING "id"`;

/**
 * Stores a prophecy. With `commandId`, the chat command it answers is tied to it in the same
 * transaction, so a crash never leaves a command without its prophecy or a prophecy drawn twice.
 * On the driver (direct.ts): one of the writes every request makes.
 */
export async function recordProphecy(
  db: Db,
  data: NewProphecy,
  options: { commandId?: number } = {},
): Promise<ProphecyRecord> {
  const record: Omit<ProphecyRecord, "id"> = {
    createdAt: new Date(),
    text: data.text,
    lines: data.lines,
    temperature: data.temperature,
    about: data.about ?? null,
    seed: data.seed ?? null,
    modelVersion: data.modelVersion,
    longestCopied: data.longestCopied,
    redraws: data.redraws ?? 0,
    surface: data.surface,
    requestedBy: data.requestedBy ?? null,
    channel: data.channel ?? null,
    messageRef: data.messageRef ?? null,
    reactionCount: 0,
  };
  const insert = {
    sql: INSERT_PROPHECY,
    params: [
      db.direct.timestamp(record.createdAt),
      record.text,
      JSON.stringify(record.lines),
      record.temperature,
      record.about,
      record.seed,
      record.modelVersion,
      record.longestCopied,
      record.redraws,
      record.surface,
      record.requestedBy,
      record.channel,
      record.messageRef,
    ],
  };
  const { commandId } = options;
  const [created] = await db.direct.run(
    insert,
    ...(commandId === undefined
      ? []
      : [
          {
            sql: 'UPDATE "ChatCommand" SET "prophecyId" = $1 WHERE "id" = $2',
            params: [fromStep(0, "id"), commandId],
            expectChanges: 1,
          },
        ]),
  );
  return { id: Number(created.rows[0].id), ...record };
}

export async function getProphecy(db: Db, id: number): Promise<ProphecyRecord | null> {
  if (!Number.isSafeInteger(id)) return null;
  const row = await db.prisma.prophecy.findUnique({ where: { id } });
  return row ? toRecord(row) : null;
}

/**
 * Records the platform message that carries a prophecy (and its channel, when given). False for an
 * unknown id. With `commandId`, the chat command it answers is finished in the same step.
 * On the driver (direct.ts): one of the writes every request makes.
 */
export async function attachMessage(
  db: Db,
  id: number,
  messageRef: string,
  channel?: string | null,
  options: { commandId?: number } = {},
): Promise<boolean> {
  const update =
    channel !== undefined
      ? {
          sql: 'UPDATE "Prophecy" SET "messageRef" = $1, "channel" = $3 WHERE "id" = $2',
          params: [messageRef, id, channel],
        }
      : { sql: 'UPDATE "Prophecy" SET "messageRef" = $1 WHERE "id" = $2', params: [messageRef, id] };
  const { commandId } = options;
  if (commandId === undefined) return (await db.direct.run(update))[0].changes === 1;
  const [attached] = await db.direct.run(update, finishChatCommandStatement(db, commandId, "posted", id));
  return attached.changes === 1;
}

/** The prophecy a platform message carries, or null (indexed by surface + messageRef). */
export async function prophecyOfMessage(db: Db, surface: Surface, messageRef: string): Promise<number | null> {
  const row = await db.prisma.prophecy.findFirst({
    where: { surface, messageRef },
    select: { id: true },
    orderBy: { id: "desc" },
  });
  return row?.id ?? null;
}

/**
 * One page of the history. Keyset pagination (never OFFSET): the cursor holds the last row's
 * sort key, so pages stay stable while new prophecies and reactions arrive, and a deep page costs
 * what the first does (indexes on id and on (reactionCount, id)).
 */
export async function listProphecies(db: Db, query: ProphecyQuery = {}): Promise<ProphecyPage> {
  const sort = query.sort ?? "new";
  const limit = Math.min(Math.max(1, Math.floor(query.limit ?? 20)), MAX_PAGE_SIZE);
  const after = query.cursor ? decodeCursor(sort, query.cursor) : null;
  const q = query.q?.trim();
  const words = q ? searchWords(q) : [];
  if (q && words.length === 0) throw new UserError(`q "${q}" holds no word to search for (letters or digits).`);
  // The page's ids in order from one SQL query (word search needs provider SQL), then its rows.
  const { hits, next } = await searchProphecies(db, {
    sort,
    limit,
    after,
    words,
    surface: query.surface,
    modelVersion: query.modelVersion,
    minTemperature: query.minTemperature,
    maxTemperature: query.maxTemperature,
    from: query.from,
    to: query.to,
  });
  const rows = hits.length ? await db.prisma.prophecy.findMany({ where: { id: { in: hits.map((h) => h.id) } } }) : [];
  const byId = new Map(rows.map((row) => [row.id, row]));
  const page = hits.flatMap((h) => (byId.has(h.id) ? [toRecord(byId.get(h.id)!)] : []));
  return { prophecies: page, nextCursor: next ? encodeCursor(sort, next) : null };
}
