import type { Prisma } from "../../prisma/generated/sqlite/index.js";
import type { Db } from "./client.ts";

export type Tx = Prisma.TransactionClient;

/** Advisory lock key for changes to the model registry (promotions, retention) on PostgreSQL. */
const REGISTRY_LOCK = 4_207_301;

/**
 * A transaction that first takes the registry's write lock, so concurrent promotions, rollbacks and
 * retention runs (two trainers, an admin) queue up instead of failing with write conflicts.
 * PostgreSQL: a transaction-scoped advisory lock. SQLite: a write as the first statement takes the
 * database's write lock at once (waiting out the busy timeout), before anything is read.
 */
export async function withRegistryLock<T>(db: Db, work: (tx: Tx) => Promise<T>): Promise<T> {
  return db.prisma.$transaction(
    async (tx) => {
      if (db.provider === "postgresql") {
        await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${REGISTRY_LOCK})`);
      } else {
        await tx.$executeRawUnsafe('UPDATE "Promotion" SET "id" = "id" WHERE 0 = 1');
      }
      return work(tx);
    },
    { maxWait: 20_000, timeout: 60_000 },
  );
}
