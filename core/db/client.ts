import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient as SqliteClient } from "../../prisma/generated/sqlite/index.js";
import { PrismaClient as PostgresClient } from "../../prisma/generated/postgresql/index.js";
import { UserError } from "../errors.ts";
import { silentLogger, type Logger } from "../logger.ts";
import { migrate, migrationStatus } from "./migrate.ts";
import { openSqliteFile, SQLITE_BUSY_TIMEOUT_MS } from "./migrate-sqlite.ts";
import { POSTGRES_CONNECT_TIMEOUT_MS } from "./postgres-connection.ts";
import { postgresHost, providerOf, sqlitePath, type Provider } from "./provider.ts";

/**
 * The one client type code is written against. Both generated clients come from the same models and
 * have the same API; SQLite's is the narrower one (no PostgreSQL-only options), so code that
 * typechecks against it runs on both.
 */
export type PrismaClient = SqliteClient;
export type { Provider };

export interface Db {
  prisma: PrismaClient;
  provider: Provider;
  url: string;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  log?: Logger;
  /** Apply pending migrations first. Default: yes for SQLite, no for PostgreSQL (there `oracle migrate` does it). */
  migrate?: boolean;
}

/**
 * The single client factory. `file:PATH` opens (creating it) a SQLite file in WAL mode with a busy
 * timeout, so two processes can share it; `postgresql://` connects to PostgreSQL. Fails with a
 * UserError when the database is unreachable or has migrations pending.
 */
export async function openDatabase(url: string, options: OpenDatabaseOptions = {}): Promise<Db> {
  const provider = providerOf(url);
  const log = options.log ?? silentLogger;
  const target = { provider, url };
  const autoMigrate: boolean = options.migrate ?? provider === "sqlite";
  // Reading the status takes no write lock, so opening an up-to-date database never waits for a writer.
  const status = await migrationStatus(target);
  if (autoMigrate && status.pending.length > 0) {
    await migrate(target, { log });
  } else if (!status.upToDate) {
    const where = provider === "sqlite" ? sqlitePath(url) : postgresHost(url);
    if (status.failed.length > 0) {
      throw new UserError(
        `The database at ${where} has a migration that never finished: ${status.failed.join(", ")}.`,
        "Fix the database by hand, then mark it resolved (prisma migrate resolve).",
      );
    }
    throw new UserError(
      `The database at ${where} has ${status.pending.length} pending migration(s).`,
      "Run: oracle migrate",
    );
  }
  const prisma = provider === "sqlite" ? sqliteClient(url) : postgresClient(url, log);
  return {
    prisma,
    provider,
    url,
    close: () => prisma.$disconnect(),
  };
}

function sqliteClient(url: string): PrismaClient {
  const file = sqlitePath(url);
  // WAL is a property of the file; make sure it is set even when nothing was migrated.
  openSqliteFile(file).close();
  return new SqliteClient({ adapter: new PrismaBetterSQLite3({ url: file, timeout: SQLITE_BUSY_TIMEOUT_MS }) });
}

function postgresClient(url: string, log: Logger): PrismaClient {
  const adapter = new PrismaPg(
    { connectionString: url, connectionTimeoutMillis: POSTGRES_CONNECT_TIMEOUT_MS },
    {
      onPoolError: (error) => log.warn({ err: error.message }, "PostgreSQL pool error"),
    },
  );
  // Same models, same API: only the generated class differs (see PrismaClient above).
  return new PostgresClient({ adapter }) as unknown as PrismaClient;
}
