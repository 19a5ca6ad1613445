// Keys of signed requests already handled (a Slack signature, a Discord interaction id, a Slack
// event id), so a replay runs nothing, in whichever bot process sharing the database it arrives.
import type { Db } from "./client.ts";

/**
 * Records `key` until `expiresAt`; true when it was new, false when it was seen before (and has not
 * expired). The primary key decides between two processes racing with the same key.
 */
export async function claimRequestKey(db: Db, key: string, expiresAt: Date): Promise<boolean> {
  try {
    await db.prisma.seenRequest.create({ data: { key, expiresAt } });
    return true;
  } catch (error) {
    if ((error as { code?: string }).code !== "P2002") throw error;
  }
  // Seen: only a key whose time has passed may be taken again (its request is refused by its date anyway).
  const { count } = await db.prisma.seenRequest.updateMany({
    where: { key, expiresAt: { lt: new Date() } },
    data: { expiresAt },
  });
  return count === 1;
}

/** Forgets `key` (its request failed before doing anything, so a retry must run). */
export async function forgetRequestKey(db: Db, key: string): Promise<void> {
  await db.prisma.seenRequest.deleteMany({ where: { key } });
}

/** Deletes keys past their time; returns how many. */
export async function sweepRequestKeys(db: Db, now = new Date()): Promise<number> {
  return (await db.prisma.seenRequest.deleteMany({ where: { expiresAt: { lt: now } } })).count;
}
