// Prisma CLI config used by scripts/prisma.mjs: the JS schema engine with a driver adapter,
// so the CLI runs offline (no engine binaries to download).
import { defineConfig, type PrismaConfig } from "prisma/config";

const provider = process.env.ORACLE_PRISMA_PROVIDER === "postgresql" ? "postgresql" : "sqlite";
const url = process.env.DATABASE_URL ?? "file:./data/oracle.db";
/** `migrate diff` between two datamodels touches no database; PostgreSQL's engine only asks the server version. */
const offline = process.env.ORACLE_PRISMA_OFFLINE === "1";
/** What `adapter()` resolves to. */
type Adapter = Awaited<ReturnType<Extract<PrismaConfig, { engine: "js" }>["adapter"]>>;

const refuse = (what: string): never => {
  throw new Error(`scripts/prisma.config.ts: offline PostgreSQL adapter cannot ${what}`);
};

/** Answers the one version query the schema engine makes before diffing, and refuses everything else. */
const offlinePostgres = {
  provider: "postgres" as const,
  adapterName: "@prisma/adapter-pg",
  async queryRaw(query: { sql: string }) {
    if (!/version\(\)/.test(query.sql)) refuse(`run ${query.sql}`);
    // Boolean, Text, Int32 (driver-adapter column type codes).
    return {
      columnNames: ["exists", "version", "numeric_version"],
      columnTypes: [5, 7, 0],
      rows: [[true, "PostgreSQL 15.0", 150000]],
    };
  },
  executeRaw: async () => refuse("execute SQL"),
  executeScript: async () => refuse("run scripts"),
  startTransaction: async () => refuse("start transactions"),
  dispose: async () => {},
  getConnectionInfo: () => ({ schemaName: "public", supportsRelationJoins: true }),
};

export default defineConfig({
  engine: "js",
  experimental: { adapter: true },
  async adapter() {
    if (provider === "postgresql") {
      if (offline) {
        const connect = async () => offlinePostgres;
        // A minimal adapter, not the full interface.
        return {
          provider: "postgres",
          adapterName: "@prisma/adapter-pg",
          connect,
          connectToShadowDb: connect,
        } as unknown as Adapter;
      }
      const { PrismaPg } = await import("@prisma/adapter-pg");
      return new PrismaPg({ connectionString: url });
    }
    const { PrismaBetterSQLite3 } = await import("@prisma/adapter-better-sqlite3");
    return new PrismaBetterSQLite3({ url: offline ? ":memory:" : url.replace(/^file:/, "") });
  },
});
