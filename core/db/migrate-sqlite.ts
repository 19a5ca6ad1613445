import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { DEFAULT_DATABASE_URL } from "../../config/schema.ts";
import { UserError } from "../errors.ts";
import type { AppliedMigration, Migration } from "./migrations.ts";
import { sqlitePath } from "./provider.ts";

/** How long a connection waits for another process's write lock before giving up. */
export const SQLITE_BUSY_TIMEOUT_MS = 15_000;

// Prisma Migrate's own table definition for SQLite, so `prisma migrate status` reads our rows.
const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    TEXT PRIMARY KEY NOT NULL,
    "checksum"              TEXT NOT NULL,
    "finished_at"           DATETIME,
    "migration_name"        TEXT NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        DATETIME,
    "started_at"            DATETIME NOT NULL DEFAULT current_timestamp,
    "applied_steps_count"   INTEGER UNSIGNED NOT NULL DEFAULT 0
)`;

/** Timestamps as the better-sqlite3 driver adapter writes them (ISO 8601 with +00:00). */
const sqliteTime = (date: Date): string => date.toISOString().replace("Z", "+00:00");

interface Row {
  id: string;
  checksum: string;
  migration_name: string;
  started_at: string | number;
  finished_at: string | number | null;
  rolled_back_at: string | number | null;
  logs: string | null;
  applied_steps_count: number;
}

// The classic engine stored unix milliseconds; the driver adapter stores ISO text. Read both.
const toDate = (value: string | number): Date => new Date(typeof value === "number" ? value : value.replace(" ", "T"));

const fromRow = (row: Row): AppliedMigration => ({
  id: row.id,
  checksum: row.checksum,
  migrationName: row.migration_name,
  startedAt: toDate(row.started_at),
  finishedAt: row.finished_at === null ? null : toDate(row.finished_at),
  rolledBackAt: row.rolled_back_at === null ? null : toDate(row.rolled_back_at),
  logs: row.logs,
  appliedStepsCount: Number(row.applied_steps_count),
});

/**
 * Opens (creating the file) a SQLite database in WAL mode, so readers never block the one writer.
 * Only the default data folder is created: an explicit path in a missing folder is a typo more
 * often than not, and would otherwise leave an empty database somewhere unexpected.
 */
function openSqliteFile(file: string): Database.Database {
  const folder = path.dirname(file);
  if (!existsSync(folder)) {
    if (folder !== path.dirname(sqlitePath(DEFAULT_DATABASE_URL))) {
      throw new UserError(
        `The folder of the SQLite database does not exist: ${folder}`,
        "Create it, or fix DATABASE_URL (the default file:./data/oracle.db creates its folder).",
      );
    }
    mkdirSync(folder, { recursive: true });
  }
  let db: Database.Database;
  try {
    db = new Database(file, { timeout: SQLITE_BUSY_TIMEOUT_MS });
  } catch (error) {
    throw sqliteOpenError(file, error);
  }
  // Switching to WAL needs an exclusive lock, and SQLite answers SQLITE_BUSY at once, without its
  // busy handler, while another process is creating the same database: retry until the timeout.
  const deadline = Date.now() + SQLITE_BUSY_TIMEOUT_MS;
  for (;;) {
    try {
      db.pragma("journal_mode = WAL");
      return db;
    } catch (error) {
      if ((error as { code?: unknown }).code === "SQLITE_BUSY" && Date.now() < deadline) {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20); // a synchronous 20 ms pause
        continue;
      }
      db.close();
      throw sqliteOpenError(file, error);
    }
  }
}

/** Why a SQLite file cannot serve, in one line the user can act on (never a stack). */
function sqliteOpenError(file: string, error: unknown): UserError {
  const raw = (error as { code?: unknown }).code;
  const code = typeof raw === "string" ? raw : "";
  const message = (error as Error).message ?? String(error);
  if (code === "SQLITE_NOTADB")
    return new UserError(`DATABASE_URL names ${file}, which is not a SQLite database (${message}).`);
  if (code.startsWith("SQLITE_READONLY") || code.startsWith("SQLITE_CANTOPEN"))
    return new UserError(
      `The SQLite database ${file} is read-only for this user (${code}: ${message}): make the file and its folder writable by the user running the oracle.`,
    );
  return new UserError(
    `Cannot open the SQLite database ${file}: ${message}`,
    "Check DATABASE_URL and the folder's permissions.",
  );
}

/**
 * Fails with the one-line reason when `file` cannot be written: a write that changes nothing (of a
 * migrated database). BEGIN IMMEDIATE alone would pass on a read-only file whose WAL files exist.
 */
export function checkSqliteWritable(file: string): void {
  const db = openSqliteFile(file);
  try {
    db.prepare('UPDATE "_prisma_migrations" SET "id" = "id" WHERE 1 = 0').run();
  } catch (error) {
    throw sqliteOpenError(file, error);
  } finally {
    db.close();
  }
}

function readRows(db: Database.Database): AppliedMigration[] {
  const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_prisma_migrations'").get();
  if (!exists) return [];
  const rows = db.prepare('SELECT * FROM "_prisma_migrations" ORDER BY started_at').all() as Row[];
  return rows.map(fromRow);
}

export function readAppliedSqlite(file: string): AppliedMigration[] {
  const db = openSqliteFile(file);
  try {
    return readRows(db);
  } finally {
    db.close();
  }
}

/**
 * Applies what `pick` selects from the applied rows, inside one IMMEDIATE transaction: the write lock
 * is taken before reading, so a second process waits and then finds nothing left to do.
 */
export function applySqlite(file: string, pick: (rows: AppliedMigration[]) => Migration[]): string[] {
  const db = openSqliteFile(file);
  try {
    const run = db.transaction(() => {
      db.exec(CREATE_TABLE);
      const todo = pick(readRows(db));
      const insert = db.prepare(
        'INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count) VALUES (?, ?, ?, ?, ?, 1)',
      );
      for (const migration of todo) {
        const startedAt = new Date();
        try {
          db.exec(migration.sql);
        } catch (error) {
          throw new Error(`Migration ${migration.name} failed: ${(error as Error).message}`);
        }
        insert.run(randomUUID(), migration.checksum, migration.name, sqliteTime(startedAt), sqliteTime(new Date()));
      }
      return todo.map((m) => m.name);
    });
    return run.immediate();
  } finally {
    db.close();
  }
}
