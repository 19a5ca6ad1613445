import type { Db } from "./client.ts";

export interface NewProphecy {
  text: string;
  /** The four formatted lines. */
  lines: string[];
  temperature: number;
  about?: string | null;
  seed?: number | null;
  modelVersion: number;
  longestCopied: number;
  redraws?: number;
  /** cli, discord, slack, web */
  surface: string;
  requestedBy?: string | null;
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
  surface: string;
  requestedBy: string | null;
  messageRef: string | null;
}

export interface ProphecyPage {
  prophecies: ProphecyRecord[];
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  nextCursor: number | null;
}

export const MAX_PAGE_SIZE = 100;

type Row = Omit<ProphecyRecord, "lines"> & { lines: unknown };
const toRecord = (row: Row): ProphecyRecord => ({ ...row, lines: row.lines as string[] });

export async function recordProphecy(db: Db, data: NewProphecy): Promise<ProphecyRecord> {
  const row = await db.prisma.prophecy.create({
    data: {
      ...data,
      about: data.about ?? null,
      seed: data.seed ?? null,
      redraws: data.redraws ?? 0,
      requestedBy: data.requestedBy ?? null,
      messageRef: data.messageRef ?? null,
    },
  });
  return toRecord(row);
}

/**
 * History, newest first, a page at a time. The cursor is the id of the last prophecy of the previous
 * page (ids only grow), so pages stay stable while new prophecies arrive.
 */
export async function listProphecies(
  db: Db,
  options: { limit?: number; cursor?: number | null; modelVersion?: number } = {},
): Promise<ProphecyPage> {
  const limit = Math.min(Math.max(1, Math.floor(options.limit ?? 20)), MAX_PAGE_SIZE);
  const rows = await db.prisma.prophecy.findMany({
    where: {
      ...(options.cursor != null ? { id: { lt: options.cursor } } : {}),
      ...(options.modelVersion !== undefined ? { modelVersion: options.modelVersion } : {}),
    },
    orderBy: { id: "desc" },
    take: limit + 1,
  });
  const page = rows.slice(0, limit).map(toRecord);
  return { prophecies: page, nextCursor: rows.length > limit ? page[page.length - 1]!.id : null };
}
