import type { ReactionPlatform } from "../surface.ts";
import type { Db } from "./client.ts";
import { prophecyOfMessage } from "./prophecies.ts";

/**
 * A reaction event from a chat platform. `order` (microseconds since 1970, default `at`'s
 * milliseconds × 1000) orders events, so retries and out-of-order delivery change nothing: Slack's
 * event_ts has microseconds, and events within one millisecond keep their order.
 */
export interface ReactionEventInput {
  platform: ReactionPlatform;
  /** The message reacted to: resolved to a prophecy through its messageRef; other messages are ignored. */
  messageRef: string;
  channel?: string | null;
  userId: string;
  /** Unicode emoji, or the custom emoji's name (Slack short name, Discord name:id). */
  emoji: string;
  added: boolean;
  at: Date;
  order?: bigint;
}

/** The order of an event: its own, or its time in microseconds. */
const orderOf = (event: Pick<ReactionEventInput, "at" | "order">): bigint =>
  event.order ?? BigInt(event.at.getTime()) * 1000n;

export interface ReactionRecord {
  prophecyId: number;
  platform: ReactionPlatform;
  userId: string;
  emoji: string;
  present: boolean;
  eventAt: Date;
  channel: string | null;
  messageRef: string;
}

/** What applying one event did. */
export type ReactionOutcome = "unknown-message" | "applied" | "stale";

/**
 * Applies one reaction event to the prophecy its message carries. The event wins only when it is
 * newer than the stored one, so a retried event changes nothing and an older one delivered late
 * cannot undo a newer one. A removal keeps the row (present = false) to remember its time.
 * Prophecy.reactionCount moves in the same transaction.
 */
export async function applyReactionEvent(db: Db, event: ReactionEventInput): Promise<ReactionOutcome> {
  const prophecyId = await prophecyOfMessage(db, event.platform, event.messageRef);
  if (prophecyId === null) return "unknown-message";
  return db.prisma.$transaction(
    async (tx) => {
      // First a write on the prophecy row: PostgreSQL locks it (so events for one prophecy apply one at a
      // time and each sees the one before), SQLite takes its write lock before anything is read.
      await tx.prophecy.updateMany({ where: { id: prophecyId }, data: { reactionCount: { increment: 0 } } });
      const key = { prophecyId, platform: event.platform, userId: event.userId, emoji: event.emoji };
      const stored = await tx.reaction.findUnique({ where: { prophecyId_platform_userId_emoji: key } });
      const order = orderOf(event);
      if (stored && stored.eventOrder >= order) return "stale";
      const fields = {
        present: event.added,
        eventAt: event.at,
        eventOrder: order,
        channel: event.channel ?? stored?.channel ?? null,
        messageRef: event.messageRef,
      };
      if (stored) await tx.reaction.update({ where: { id: stored.id }, data: fields });
      else await tx.reaction.create({ data: { ...key, ...fields } });
      const delta = (event.added ? 1 : 0) - (stored?.present ? 1 : 0);
      if (delta !== 0)
        await tx.prophecy.update({ where: { id: prophecyId }, data: { reactionCount: { increment: delta } } });
      return "applied";
    },
    { maxWait: 10_000, timeout: 20_000 },
  );
}

/** Present reactions per emoji, for each of the given prophecies (absent ids map to {}). */
export async function reactionCounts(
  db: Db,
  prophecyIds: readonly number[],
): Promise<Map<number, Record<string, number>>> {
  const out = new Map<number, Record<string, number>>(prophecyIds.map((id) => [id, {}]));
  if (prophecyIds.length === 0) return out;
  const groups = await db.prisma.reaction.groupBy({
    by: ["prophecyId", "emoji"],
    where: { prophecyId: { in: [...prophecyIds] }, present: true },
    _count: { _all: true },
  });
  for (const g of groups) out.get(g.prophecyId)![g.emoji] = g._count._all;
  return out;
}

/** Every reaction row of one prophecy (present or removed), oldest first. */
export async function listReactions(db: Db, prophecyId: number): Promise<ReactionRecord[]> {
  const rows = await db.prisma.reaction.findMany({ where: { prophecyId }, orderBy: { id: "asc" } });
  return rows.map((r) => ({
    prophecyId: r.prophecyId,
    platform: r.platform as ReactionPlatform,
    userId: r.userId,
    emoji: r.emoji,
    present: r.present,
    eventAt: r.eventAt,
    channel: r.channel,
    messageRef: r.messageRef,
  }));
}
