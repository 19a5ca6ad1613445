import type { Db } from "../core/db/client.ts";
import { getLease, release, renew, tryAcquire, TRAINER_LEASE } from "../core/db/leases.ts";
import { UserError } from "../core/errors.ts";
import type { Logger } from "../core/logger.ts";
import { every } from "./every.ts";
import { newRunnerId } from "./runner-id.ts";
import type { TrainerSettings } from "./types.ts";

/**
 * Runs `fn` holding the trainer lease, as a trainer service does for a job: never two trainings at
 * once, whichever process starts them. `lost()` turns true if the lease is taken over (this
 * process stalled past the timeout); the run should then stop and save nothing.
 */
export async function withTrainerLease<T>(
  deps: { db: Db; settings: TrainerSettings; log: Logger },
  fn: (lost: () => boolean) => Promise<T>,
): Promise<T> {
  const { db, settings, log } = deps;
  const runner = newRunnerId();
  const ttlMs = settings.leaseTimeoutSeconds * 1000;
  const acquired = await tryAcquire(db, TRAINER_LEASE, runner, ttlMs);
  if (!acquired.acquired) {
    const lease = await getLease(db, TRAINER_LEASE);
    const job = lease?.jobId ? `, job #${lease.jobId}` : "";
    const expires = lease ? ` If it died, its lease expires at ${lease.expiresAt.toISOString()}.` : "";
    throw new UserError(
      `A training is already running (${lease?.holder ?? "another trainer"}${job}).${expires}`,
      "Queue one instead: oracle retrain",
    );
  }
  let lost = false;
  const stopHeartbeat = every(settings.heartbeatSeconds * 1000, async () => {
    try {
      if (!(await renew(db, TRAINER_LEASE, runner, ttlMs)) && !lost) {
        lost = true;
        log.error("lost the trainer lease: stopping this run");
      }
    } catch (err) {
      log.warn({ err }, "lease heartbeat failed; retrying at the next beat");
    }
  });
  try {
    return await fn(() => lost);
  } finally {
    stopHeartbeat();
    await release(db, TRAINER_LEASE, runner).catch((err) => log.warn({ err }, "could not release the trainer lease"));
  }
}
