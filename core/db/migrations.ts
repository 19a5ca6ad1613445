import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Provider } from "./provider.ts";

/** One committed migration folder. */
export interface Migration {
  name: string;
  sql: string;
  /** sha256 hex of migration.sql's bytes: what Prisma stores in _prisma_migrations.checksum. */
  checksum: string;
}

/** A row of `_prisma_migrations`, as Prisma Migrate writes and reads it. */
export interface AppliedMigration {
  id: string;
  checksum: string;
  migrationName: string;
  startedAt: Date;
  finishedAt: Date | null;
  rolledBackAt: Date | null;
  logs: string | null;
  appliedStepsCount: number;
}

export interface MigrationStatus {
  /** Committed and applied, in order. */
  applied: string[];
  /** Committed, not applied yet. */
  pending: string[];
  /** Started but never finished (and not rolled back): needs a person. */
  failed: string[];
  /** Applied, but migration.sql changed since. */
  modified: string[];
  /** Applied, but not among the committed migrations (the database is newer than this code). */
  unknown: string[];
  upToDate: boolean;
}

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export function defaultMigrationsDir(provider: Provider): string {
  return path.join(projectRoot, "prisma", provider, "migrations");
}

export const checksumOf = (bytes: Buffer | string): string => createHash("sha256").update(bytes).digest("hex");

/** Committed migrations in the order Prisma applies them: folder names sorted. */
export function readMigrations(dir: string): Migration[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(path.join(dir, entry.name, "migration.sql")))
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const bytes = readFileSync(path.join(dir, name, "migration.sql"));
      return { name, sql: bytes.toString("utf8"), checksum: checksumOf(bytes) };
    });
}

/** Compares committed migrations with the table's rows; rolled-back rows count as not applied, as in Prisma. */
export function compareMigrations(local: Migration[], rows: AppliedMigration[]): MigrationStatus {
  const live = rows.filter((row) => row.rolledBackAt === null);
  const finished = new Map(live.filter((row) => row.finishedAt !== null).map((row) => [row.migrationName, row]));
  const failed = live.filter((row) => row.finishedAt === null).map((row) => row.migrationName);
  const localNames = new Set(local.map((m) => m.name));
  const applied = local.filter((m) => finished.has(m.name)).map((m) => m.name);
  const pending = local.filter((m) => !finished.has(m.name) && !failed.includes(m.name)).map((m) => m.name);
  const modified = local
    .filter((m) => finished.has(m.name) && finished.get(m.name)!.checksum !== m.checksum)
    .map((m) => m.name);
  const unknown = [...new Set(live.map((row) => row.migrationName).filter((name) => !localNames.has(name)))];
  return { applied, pending, failed, modified, unknown, upToDate: pending.length === 0 && failed.length === 0 };
}
