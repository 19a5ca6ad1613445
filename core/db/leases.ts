import type { Db } from "./client.ts";

/**
 * Named leases: mutual exclusion across processes and hosts through one database row per name.
 * Every change is one conditional statement (compare-and-swap on the row as it was read), so two
 * contenders can never both win, on SQLite or PostgreSQL. Times come from the caller's clock;
 * keep host clocks within a small fraction of the lease TTL of each other.
 */

/** The lease every training takes: the trainer service's jobs and `oracle train` alike, so one runs at a time. */
export const TRAINER_LEASE = "trainer";

export interface Lease {
  name: string;
  holder: string;
  jobId: number | null;
  acquiredAt: Date;
  renewedAt: Date;
  expiresAt: Date;
}

export interface AcquireResult {
  acquired: boolean;
  /** The lease as it now stands (held by us when acquired, by someone else when not; null if free). */
  lease: Lease | null;
  /** Set when we took over an expired lease of another holder: whose it was and its job. */
  tookOverFrom?: { holder: string; jobId: number | null; expiredAt: Date };
}

export interface LeaseOptions {
  jobId?: number | null;
  /** The clock; tests pass a fixed time. */
  now?: Date;
}

const plain = (row: Lease): Lease => ({
  name: row.name,
  holder: row.holder,
  jobId: row.jobId,
  acquiredAt: row.acquiredAt,
  renewedAt: row.renewedAt,
  expiresAt: row.expiresAt,
});

const isUniqueViolation = (e: unknown) => (e as { code?: string } | null)?.code === "P2002";

export async function getLease(db: Db, name: string): Promise<Lease | null> {
  const row = await db.prisma.lease.findUnique({ where: { name } });
  return row ? plain(row) : null;
}

/**
 * Takes the lease if it is free, already ours (then it is renewed) or expired (then it is taken
 * over and `tookOverFrom` names the dead holder). Never throws on contention: it just loses.
 */
export async function tryAcquire(
  db: Db,
  name: string,
  holder: string,
  ttlMs: number,
  opts: LeaseOptions = {},
): Promise<AcquireResult> {
  const now = opts.now ?? new Date();
  const expiresAt = new Date(now.getTime() + ttlMs);
  const current = await getLease(db, name);

  if (!current) {
    try {
      const row = await db.prisma.lease.create({
        data: { name, holder, jobId: opts.jobId ?? null, acquiredAt: now, renewedAt: now, expiresAt },
      });
      return { acquired: true, lease: plain(row) };
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
      return { acquired: false, lease: await getLease(db, name) };
    }
  }

  if (current.holder === holder) {
    const renewed = await renew(db, name, holder, ttlMs, opts);
    return { acquired: renewed, lease: await getLease(db, name) };
  }

  if (current.expiresAt.getTime() > now.getTime()) return { acquired: false, lease: current };

  // Expired: swap only if the row is still exactly what we read, so one contender wins.
  const { count } = await db.prisma.lease.updateMany({
    where: { name, holder: current.holder, renewedAt: current.renewedAt },
    data: { holder, jobId: opts.jobId ?? null, acquiredAt: now, renewedAt: now, expiresAt },
  });
  const lease = await getLease(db, name);
  if (count !== 1) return { acquired: false, lease };
  return {
    acquired: true,
    lease,
    tookOverFrom: { holder: current.holder, jobId: current.jobId, expiredAt: current.expiresAt },
  };
}

/** Extends our lease (and records the job, when given). False when it is no longer ours. */
export async function renew(
  db: Db,
  name: string,
  holder: string,
  ttlMs: number,
  opts: LeaseOptions = {},
): Promise<boolean> {
  const now = opts.now ?? new Date();
  const { count } = await db.prisma.lease.updateMany({
    where: { name, holder },
    data: {
      renewedAt: now,
      expiresAt: new Date(now.getTime() + ttlMs),
      ...(opts.jobId !== undefined ? { jobId: opts.jobId } : {}),
    },
  });
  return count === 1;
}

/** Gives the lease up if we hold it. False when it was not ours (anymore). */
export async function release(db: Db, name: string, holder: string): Promise<boolean> {
  const { count } = await db.prisma.lease.deleteMany({ where: { name, holder } });
  return count === 1;
}

/** True when nobody holds the lease or its holder stopped renewing it. */
export function isFreeOrExpired(lease: Lease | null, now = new Date()): boolean {
  return lease === null || lease.expiresAt.getTime() <= now.getTime();
}
