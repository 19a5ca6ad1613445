import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient as SqliteClient } from "../../prisma/generated/sqlite/index.js";
import { PrismaClient as PostgresClient } from "../../prisma/generated/postgresql/index.js";
import { UserError } from "../errors.ts";
import { postgresDirect, sqliteDirect, type Direct } from "./direct.ts";
import { silentLogger, type Logger } from "../logger.ts";
import { migrate, migrationStatus } from "./migrate.ts";
import { checkSqliteWritable, SQLITE_BUSY_TIMEOUT_MS } from "./migrate-sqlite.ts";
import { POSTGRES_CONNECT_TIMEOUT_MS } from "./postgres-connection.ts";
import { postgresHost, providerOf, sqlitePath, type Provider } from "./provider.ts";
import {
  checkSqliteFileBeforeOpen,
  markSqliteFile,
  sqliteFileIdentity,
  type SqliteFileIdentity,
} from "./sqlite-file.ts";

/**
 * The one client type code is written against. Both generated clients come from the same models and
 * have the same API; SQLite's is the narrower one (no PostgreSQL-only options), so code that
 * typechecks against it runs on both.
 */
type PrismaClient = SqliteClient;
export type { Provider };

export interface Db {
  prisma: PrismaClient;
  /** The per-request writes, on the driver (direct.ts). */
  direct: Direct;
  provider: Provider;
  url: string;
  /** SQLite: the file opened, so readiness can tell when it is deleted or replaced underneath. */
  file?: SqliteFileIdentity;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  log?: Logger;
  /** Apply pending migrations first. Default: yes for SQLite, no for PostgreSQL (there `oracle migrate` does it). */
  migrate?: boolean;
}

/**
 * The single client factory. `file:PATH` opens a SQLite file in WAL mode with a busy timeout, so two
 * processes can share it; it creates the file only on a first setup (a database that vanished is
 * refused, see sqlite-file.ts) and refuses one it cannot write. `postgresql://` connects to
 * PostgreSQL. Fails with a UserError when the database is unreachable or has migrations pending.
 */
export async function openDatabase(url: string, options: OpenDatabaseOptions = {}): Promise<Db> {
  const provider = providerOf(url);
  const log = options.log ?? silentLogger;
  const target = { provider, url };
  const file = provider === "sqlite" ? sqlitePath(url) : null;
  if (file && checkSqliteFileBeforeOpen(file) === "new") log.info({ file }, "creating the SQLite database");
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
  if (file) {
    // WAL is a property of the file (set on open); and a file this user cannot write is refused now.
    checkSqliteWritable(file);
    markSqliteFile(file);
  }
  const { prisma, direct } = file ? sqliteClient(file) : postgresClient(url, log);
  return {
    prisma,
    direct,
    provider,
    url,
    ...(file ? { file: sqliteFileIdentity(file) } : {}),
    async close() {
      await prisma.$disconnect();
      await direct.close();
    },
  };
}

function sqliteClient(file: string) {
  const adapter = new PrismaBetterSQLite3({ url: file, timeout: SQLITE_BUSY_TIMEOUT_MS });
  return { prisma: new SqliteClient({ adapter }), direct: sqliteDirect(file) };
}

function postgresClient(url: string, log: Logger) {
  // One pool for Prisma's adapter and the direct writes; Prisma's disconnect ends it.
  const pool = new pg.Pool({ connectionString: url, connectionTimeoutMillis: POSTGRES_CONNECT_TIMEOUT_MS });
  const adapter = new PrismaPg(pool, {
    onPoolError: (error) => log.warn({ err: error.message }, "PostgreSQL pool error"),
    disposeExternalPool: true,
  });
  // Same models, same API: only the generated class differs (see PrismaClient above).
  return { prisma: new PostgresClient({ adapter }) as unknown as PrismaClient, direct: postgresDirect(pool) };
}
