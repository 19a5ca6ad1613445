import type { Logger } from "../logger.ts";
import { silentLogger } from "../logger.ts";
import { UserError } from "../errors.ts";
import {
  compareMigrations,
  defaultMigrationsDir,
  readMigrations,
  type AppliedMigration,
  type Migration,
  type MigrationStatus,
} from "./migrations.ts";
import { applyPostgres, readAppliedPostgres } from "./migrate-postgres.ts";
import { applySqlite, readAppliedSqlite } from "./migrate-sqlite.ts";
import { providerOf, sqlitePath, type DatabaseTarget } from "./provider.ts";

export type { AppliedMigration, MigrationStatus };

export interface MigrateOptions {
  /** Folder of migration folders; defaults to the committed prisma/<provider>/migrations. */
  migrationsDir?: string;
  log?: Logger;
}

/** A database URL, or a provider and URL (an open `Db` is one). */
export type MigrationTarget = DatabaseTarget | string;

const resolve = (target: MigrationTarget): DatabaseTarget =>
  typeof target === "string" ? { provider: providerOf(target), url: target } : target;

/** The rows of `_prisma_migrations` (empty when the table does not exist yet). */
export async function appliedMigrations(where: MigrationTarget): Promise<AppliedMigration[]> {
  const target = resolve(where);
  return target.provider === "sqlite" ? readAppliedSqlite(sqlitePath(target.url)) : readAppliedPostgres(target.url);
}

/** What is applied, pending, failed or changed, compared with the committed migrations. */
export async function migrationStatus(where: MigrationTarget, options: MigrateOptions = {}): Promise<MigrationStatus> {
  const target = resolve(where);
  const local = readMigrations(options.migrationsDir ?? defaultMigrationsDir(target.provider));
  return compareMigrations(local, await appliedMigrations(target));
}

/**
 * Applies pending committed migrations in order and records each in `_prisma_migrations` as Prisma
 * Migrate does. Idempotent, and safe when several processes migrate the same database at once.
 * Returns the names it applied.
 */
export async function migrate(where: MigrationTarget, options: MigrateOptions = {}): Promise<string[]> {
  const target = resolve(where);
  const log = options.log ?? silentLogger;
  const local = readMigrations(options.migrationsDir ?? defaultMigrationsDir(target.provider));
  // Runs under the database's lock, on rows read under that lock.
  const pick = (rows: AppliedMigration[]): Migration[] => {
    const status = compareMigrations(local, rows);
    if (status.failed.length > 0) {
      throw new UserError(
        `The database has a migration that started but never finished: ${status.failed.join(", ")}.`,
        "Fix the database by hand, then mark it resolved (prisma migrate resolve).",
      );
    }
    if (status.modified.length > 0) log.warn({ migrations: status.modified }, "applied migrations were edited since");
    if (status.unknown.length > 0)
      log.warn({ migrations: status.unknown }, "the database has migrations this code does not know");
    return local.filter((m) => status.pending.includes(m.name));
  };
  const applied =
    target.provider === "sqlite" ? applySqlite(sqlitePath(target.url), pick) : await applyPostgres(target.url, pick);
  if (applied.length > 0) log.info({ migrations: applied }, "applied database migrations");
  return applied;
}
