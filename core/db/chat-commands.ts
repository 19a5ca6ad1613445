// Chat commands written before they are acknowledged (ChatCommand), so none is lost to a crash: the
// bot process working on one holds a lease named after itself; when that lease expires, another bot
// (or the same one restarted) takes the command over and finishes it.
import type { Prisma } from "../../prisma/generated/sqlite/index.js";
import type { Surface } from "../surface.ts";
import type { Db } from "./client.ts";
import type { Statement } from "./direct.ts";
import type { Tx } from "./transaction.ts";

type ChatCommandKind = "prophecy" | "another" | "retrain" | "history";

export interface ChatCommandRecord {
  id: number;
  surface: Surface;
  kind: ChatCommandKind;
  userId: string;
  channel: string | null;
  /** What the surface needs to finish it, as it wrote it. */
  request: Record<string, unknown>;
  receivedAt: Date;
  owner: string;
  prophecyId: number | null;
  doneAt: Date | null;
  outcome: string | null;
}

export interface NewChatCommand {
  surface: Surface;
  kind: ChatCommandKind;
  userId: string;
  channel?: string | null;
  request: Record<string, unknown>;
  owner: string;
}

type Row = Prisma.ChatCommandGetPayload<object>;
const toRecord = (row: Row): ChatCommandRecord => ({
  ...row,
  surface: row.surface as Surface,
  kind: row.kind as ChatCommandKind,
  request: row.request as Record<string, unknown>,
});

/** On the driver (direct.ts): one of the writes every Slack command makes. */
export async function receiveChatCommand(db: Db, data: NewChatCommand): Promise<ChatCommandRecord> {
  const receivedAt = new Date();
  const channel = data.channel ?? null;
  const [inserted] = await db.direct.run({
    sql: `INSERT INTO "ChatCommand" ("surface", "kind", "userId", "channel", "request", "receivedAt", "owner")
          VALUES ($1, $2, $3, $4, $5::jsonb, $6::timestamp, $7) RETURNING "id"`,
    params: [
      data.surface,
      data.kind,
      data.userId,
      channel,
      JSON.stringify(data.request),
      db.direct.timestamp(receivedAt),
      data.owner,
    ],
  });
  const id = Number(inserted.rows[0].id);
  const { surface, kind, userId, request, owner } = data;
  return {
    id,
    surface,
    kind,
    userId,
    channel,
    request,
    receivedAt,
    owner,
    prophecyId: null,
    doneAt: null,
    outcome: null,
  };
}

export async function getChatCommand(db: Db, id: number): Promise<ChatCommandRecord | null> {
  const row = await db.prisma.chatCommand.findUnique({ where: { id } });
  return row ? toRecord(row) : null;
}

/**
 * Marks it finished (once: a second finish changes nothing). `tx`: inside the step that finished it.
 * Without one, on the driver (direct.ts).
 */
export async function finishChatCommand(db: Db | Tx, id: number, outcome: string): Promise<void> {
  if ("direct" in db) {
    await db.direct.run(finishChatCommandStatement(db, id, outcome));
    return;
  }
  await db.chatCommand.updateMany({ where: { id, doneAt: null }, data: { doneAt: new Date(), outcome } });
}

/** The statement finishing it; with `prophecyId`, only when that prophecy exists. */
export function finishChatCommandStatement(db: Db, id: number, outcome: string, prophecyId?: number): Statement {
  const exists = prophecyId === undefined ? "" : ' AND EXISTS (SELECT 1 FROM "Prophecy" WHERE "id" = $4)';
  return {
    sql: `UPDATE "ChatCommand" SET "doneAt" = $1::timestamp, "outcome" = $2 WHERE "id" = $3 AND "doneAt" IS NULL${exists}`,
    params: [db.direct.timestamp(new Date()), outcome, id, ...(prophecyId === undefined ? [] : [prophecyId])],
  };
}

/** Lets go of it (a transient failure): any bot, this one included, takes it over at its next sweep. */
export async function releaseChatCommand(db: Db, id: number, owner: string): Promise<void> {
  await db.prisma.chatCommand.updateMany({ where: { id, owner, doneAt: null }, data: { owner: "" } });
}

/**
 * Unfinished commands of `surface` whose owner's lease has expired (or that nobody owns), taken over
 * by `owner`, oldest first. Each is taken by one process only (a conditional update on its owner).
 */
export async function takeOverAbandoned(
  db: Db,
  surface: Surface,
  owner: string,
  opts: { limit?: number; now?: Date } = {},
): Promise<ChatCommandRecord[]> {
  const now = opts.now ?? new Date();
  const pending = await db.prisma.chatCommand.findMany({
    where: { surface, doneAt: null, owner: { not: owner } },
    orderBy: { id: "asc" },
    take: opts.limit ?? 50,
  });
  if (pending.length === 0) return [];
  const owners = [...new Set(pending.map((c) => c.owner).filter(Boolean))];
  const alive = new Set(
    (
      await db.prisma.lease.findMany({
        where: { name: { in: owners }, expiresAt: { gt: now } },
        select: { name: true },
      })
    ).map((l) => l.name),
  );
  const taken: ChatCommandRecord[] = [];
  for (const c of pending) {
    if (alive.has(c.owner)) continue;
    const { count } = await db.prisma.chatCommand.updateMany({
      where: { id: c.id, owner: c.owner, doneAt: null },
      data: { owner },
    });
    if (count === 1) taken.push(toRecord({ ...c, owner }));
  }
  return taken;
}
