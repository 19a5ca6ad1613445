// Keys of signed requests already handled (a Slack signature, a Discord interaction id, a Slack
// event id), so a replay runs nothing, in whichever bot process sharing the database it arrives.
import type { Db } from "./client.ts";

/**
 * Records `key` until `expiresAt`; true when it was new, false when it was seen before (and has not
 * expired). The primary key decides between two processes racing with the same key.
 */
export async function claimRequestKey(db: Db, key: string, expiresAt: Date): Promise<boolean> {
  // New, or seen but past its time (its request is refused by its date anyway): one statement, so the
  // primary key decides between two processes racing with the same key.
  const [{ changes }] = await db.direct.run({
    sql: `INSERT INTO "SeenRequest" ("key", "expiresAt") VALUES ($1, $2::timestamp)
          ON CONFLICT ("key") DO UPDATE SET "expiresAt" = excluded."expiresAt" WHERE "SeenRequest"."expiresAt" < $3::timestamp`,
    params: [key, db.direct.timestamp(expiresAt), db.direct.timestamp(new Date())],
  });
  return changes === 1;
}

/** Forgets `key` (its request failed before doing anything, so a retry must run). */
export async function forgetRequestKey(db: Db, key: string): Promise<void> {
  await db.prisma.seenRequest.deleteMany({ where: { key } });
}

/** Deletes keys past their time; returns how many. */
export async function sweepRequestKeys(db: Db, now = new Date()): Promise<number> {
  return (await db.prisma.seenRequest.deleteMany({ where: { expiresAt: { lt: now } } })).count;
}
