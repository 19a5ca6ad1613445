import { randomUUID } from "node:crypto";
import type pg from "pg";
import type { AppliedMigration, Migration } from "./migrations.ts";
import { connectPostgres } from "./postgres-connection.ts";

/** The advisory lock key Prisma Migrate takes, so our migrator and a real `prisma migrate` exclude each other. */
const PRISMA_ADVISORY_LOCK = 72707369;

// Prisma Migrate's own table definition for PostgreSQL.
const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

async function readRows(client: pg.Client): Promise<AppliedMigration[]> {
  const exists = await client.query<{ present: boolean }>(
    "SELECT to_regclass('_prisma_migrations') IS NOT NULL AS present",
  );
  if (!exists.rows[0].present) return [];
  const result = await client.query<{
    id: string;
    checksum: string;
    migration_name: string;
    started_at: Date;
    finished_at: Date | null;
    rolled_back_at: Date | null;
    logs: string | null;
    applied_steps_count: number;
  }>(
    'SELECT id, checksum, migration_name, started_at, finished_at, rolled_back_at, logs, applied_steps_count FROM "_prisma_migrations" ORDER BY started_at',
  );
  return result.rows.map((row) => ({
    id: row.id,
    checksum: row.checksum,
    migrationName: row.migration_name,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    rolledBackAt: row.rolled_back_at,
    logs: row.logs,
    appliedStepsCount: row.applied_steps_count,
  }));
}

export async function readAppliedPostgres(url: string): Promise<AppliedMigration[]> {
  const client = await connectPostgres(url);
  try {
    return await readRows(client);
  } finally {
    await client.end();
  }
}

/**
 * Applies what `pick` selects, holding Prisma's advisory lock so concurrent migrators queue up and the
 * later one re-reads the table and finds nothing left. Each migration and its row commit together.
 */
export async function applyPostgres(url: string, pick: (rows: AppliedMigration[]) => Migration[]): Promise<string[]> {
  const client = await connectPostgres(url);
  try {
    await client.query("SELECT pg_advisory_lock($1)", [PRISMA_ADVISORY_LOCK]);
    try {
      await client.query(CREATE_TABLE);
      const todo = pick(await readRows(client));
      for (const migration of todo) {
        await client.query("BEGIN");
        try {
          const id = randomUUID();
          await client.query(
            'INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count) VALUES ($1, $2, $3, clock_timestamp(), 0)',
            [id, migration.checksum, migration.name],
          );
          // No parameters: the simple query protocol runs the whole multi-statement script.
          await client.query(migration.sql);
          await client.query(
            'UPDATE "_prisma_migrations" SET finished_at = clock_timestamp(), applied_steps_count = 1 WHERE id = $1',
            [id],
          );
          await client.query("COMMIT");
        } catch (error) {
          await client.query("ROLLBACK").catch(() => undefined);
          throw new Error(`Migration ${migration.name} failed: ${(error as Error).message}`);
        }
      }
      return todo.map((m) => m.name);
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [PRISMA_ADVISORY_LOCK]).catch(() => undefined);
    }
  } finally {
    await client.end();
  }
}
