import { UserError } from "../errors.ts";
import type { Surface } from "../surface.ts";
import type { Db } from "./client.ts";

/**
 * The history's one query: filters, word search and sort, a page at a time, in SQL written per
 * database because word search is PostgreSQL full-text search (Prophecy."textSearch", GIN) or
 * SQLite FTS5 ("ProphecySearch"), which Prisma's query builder cannot express. Both come from the
 * hand-written `prophecy_word_search` migrations. Pages are keyset pages: stable while prophecies
 * arrive and as fast on the thousandth page as on the first.
 */

export type HistorySort = "new" | "reactions";

/** Which prophecies the history shows: the one filter of the web page, the API and the search. */
export interface ProphecyFilter {
  surface?: Surface;
  modelVersion?: number;
  minTemperature?: number;
  maxTemperature?: number;
  /** createdAt ≥ from. */
  from?: Date;
  /** createdAt < to. */
  to?: Date;
}

/** Where the previous page ended, in the sort's order. */
export interface HistoryPosition {
  id: number;
  /** For sort = reactions. */
  reactionCount?: number;
}

export interface HistorySearch extends ProphecyFilter {
  /** Every word must occur (see `searchWords`). */
  words?: string[];
  sort?: HistorySort;
  limit: number;
  after?: HistoryPosition | null;
}

interface HistoryHit {
  id: number;
  reactionCount: number;
}

export interface HistoryHits {
  hits: HistoryHit[];
  /** Where the next page starts; null on the last page. */
  next: HistoryPosition | null;
}

/** Words of a search, as both databases' tokenizers cut them (letters and digits), lower-case, at most 8. */
export function searchWords(q: string): string[] {
  return [...new Set(q.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [])].slice(0, 8);
}

/** Opaque page cursor: `n<id>` (newest first) or `r<reactionCount>.<id>` (most reactions). */
export function encodeCursor(sort: HistorySort, position: HistoryPosition): string {
  return sort === "new" ? `n${position.id}` : `r${position.reactionCount ?? 0}.${position.id}`;
}

export function decodeCursor(sort: HistorySort, cursor: string): HistoryPosition {
  const match = sort === "new" ? /^n(\d{1,15})$/.exec(cursor) : /^r(\d{1,15})\.(\d{1,15})$/.exec(cursor);
  if (!match)
    throw new UserError(
      `cursor "${cursor}" is not a cursor of a ${sort === "new" ? "newest-first" : "most-reacted"} page.`,
    );
  return sort === "new" ? { id: Number(match[1]) } : { reactionCount: Number(match[1]), id: Number(match[2]) };
}

/** SQL text with positional parameters in the provider's own syntax. */
class Query {
  readonly params: unknown[] = [];
  constructor(private readonly provider: Db["provider"]) {}
  param(value: unknown): string {
    this.params.push(value);
    return this.provider === "sqlite" ? "?" : `$${this.params.length}`;
  }
}

/** SQLite stores DateTime as the driver adapter writes it (ISO 8601, +00:00), which sorts as text. */
const sqliteTime = (date: Date): string => date.toISOString().replace("Z", "+00:00");

export async function searchProphecies(db: Db, search: HistorySearch): Promise<HistoryHits> {
  const sort = search.sort ?? "new";
  const sqlite = db.provider === "sqlite";
  const query = new Query(db.provider);
  const time = (d: Date) => query.param(sqlite ? sqliteTime(d) : d);
  const where: string[] = [];
  const words = search.words ?? [];
  let from = `"Prophecy" p`;
  // Newest first with words on SQLite: FTS5 walks its rowids backwards itself, so a common word
  // stops after one page instead of collecting every match.
  let idColumn = `p."id"`;
  if (words.length > 0) {
    if (sqlite) {
      from = `"ProphecySearch" s JOIN "Prophecy" p ON p."id" = s.rowid`;
      // Each word quoted: FTS5 query syntax in user text is taken literally.
      where.push(`"ProphecySearch" MATCH ${query.param(words.map((w) => `"${w}"`).join(" "))}`);
      idColumn = "s.rowid";
    } else {
      where.push(`p."textSearch" @@ plainto_tsquery('simple', ${query.param(words.join(" "))})`);
    }
  }
  if (search.surface !== undefined) where.push(`p."surface" = ${query.param(search.surface)}`);
  if (search.modelVersion !== undefined) where.push(`p."modelVersion" = ${query.param(search.modelVersion)}`);
  if (search.minTemperature !== undefined) where.push(`p."temperature" >= ${query.param(search.minTemperature)}`);
  if (search.maxTemperature !== undefined) where.push(`p."temperature" <= ${query.param(search.maxTemperature)}`);
  if (search.from !== undefined) where.push(`p."createdAt" >= ${time(search.from)}`);
  if (search.to !== undefined) where.push(`p."createdAt" < ${time(search.to)}`);
  const after = search.after;
  let order: string;
  if (sort === "new") {
    if (after) where.push(`${idColumn} < ${query.param(after.id)}`);
    order = `${idColumn} DESC`;
  } else {
    if (after)
      where.push(`(p."reactionCount", p."id") < (${query.param(after.reactionCount ?? 0)}, ${query.param(after.id)})`);
    order = `p."reactionCount" DESC, p."id" DESC`;
  }
  const limit = Math.max(1, Math.floor(search.limit));
  const sql =
    `SELECT p."id" AS "id", p."reactionCount" AS "reactionCount" FROM ${from}` +
    (where.length ? ` WHERE ${where.join(" AND ")}` : "") +
    ` ORDER BY ${order} LIMIT ${query.param(limit + 1)}`;
  const rows = await db.prisma.$queryRawUnsafe<{ id: number | bigint; reactionCount: number | bigint }[]>(
    sql,
    ...query.params,
  );
  const hits = rows.slice(0, limit).map((row) => ({ id: Number(row.id), reactionCount: Number(row.reactionCount) }));
  const last = hits[hits.length - 1];
  return { hits, next: rows.length > limit && last ? { id: last.id, reactionCount: last.reactionCount } : null };
}
