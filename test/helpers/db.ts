// Database fixtures: every database test runs on a fresh, migrated SQLite file and a fresh PostgreSQL
// database (created on the test server, dropped afterwards).
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe } from "vitest";
import { openDatabase, type Db, type Provider } from "../../core/db/client.ts";
import type { NewModelVersion } from "../../core/db/model-versions.ts";
import { testPostgresAdminUrl } from "./paths.ts";
import { goodFigures } from "./quality-figures.ts";

/** Set TEST_SKIP_POSTGRES=1 to run without a PostgreSQL server; otherwise a missing server fails the suite. */
export const skipPostgres = process.env.TEST_SKIP_POSTGRES === "1";

export const testProviders: Provider[] = skipPostgres ? ["sqlite"] : ["sqlite", "postgresql"];

/** An empty database (no tables) and how to get rid of it. */
export interface ScratchDatabase {
  provider: Provider;
  url: string;
  drop(): Promise<void>;
}

/** A new empty SQLite file in its own temp folder. */
export function scratchSqlite(): ScratchDatabase {
  const dir = mkdtempSync(path.join(tmpdir(), "oracle-test-db-"));
  return {
    provider: "sqlite",
    url: `file:${path.join(dir, "oracle.db")}`,
    drop: () => rm(dir, { recursive: true, force: true }),
  };
}

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: testPostgresAdminUrl, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(
      `PostgreSQL test server unreachable at ${testPostgresAdminUrl} (${(error as Error).message}). ` +
        "Start it, point TEST_POSTGRES_URL at one, or set TEST_SKIP_POSTGRES=1 to run the SQLite half only.",
    );
  }
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A new empty database oracle_test_<random> on the test server. */
export async function scratchPostgres(): Promise<ScratchDatabase> {
  const name = `oracle_test_${randomBytes(6).toString("hex")}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  const url = new URL(testPostgresAdminUrl);
  url.pathname = `/${name}`;
  return {
    provider: "postgresql",
    url: url.toString(),
    // FORCE: a test that failed mid-way may leave a connection open.
    drop: () => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

export function scratchDatabase(provider: Provider): Promise<ScratchDatabase> {
  return provider === "sqlite" ? Promise.resolve(scratchSqlite()) : scratchPostgres();
}

/** A fresh, migrated database opened through `openDatabase`; `drop` closes and removes it. */
export async function freshDatabase(provider: Provider): Promise<{ db: Db; drop(): Promise<void> }> {
  const scratch = await scratchDatabase(provider);
  try {
    const db = await openDatabase(scratch.url, { migrate: true });
    return {
      db,
      drop: async () => {
        // A connection Prisma failed to release must not hang the suite: DROP ... WITH (FORCE) ends it anyway.
        await Promise.race([db.close(), new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
        await scratch.drop();
      },
    };
  } catch (error) {
    await scratch.drop();
    throw error;
  }
}

/**
 * Runs the suite once per database ("sqlite", and "postgresql" unless TEST_SKIP_POSTGRES=1), each on
 * its own fresh migrated database for the whole describe block:
 *
 *   describeEachDatabase("model versions", (getDb) => {
 *     it("creates", async () => { const db = getDb(); ... });
 *   });
 */
export function describeEachDatabase(name: string, suite: (getDb: () => Db, provider: Provider) => void): void {
  for (const provider of testProviders) {
    describe(`${name} [${provider}]`, () => {
      let fixture: { db: Db; drop(): Promise<void> } | undefined;
      beforeAll(async () => {
        fixture = await freshDatabase(provider);
      });
      afterAll(async () => {
        await fixture?.drop();
      });
      suite(() => {
        if (!fixture) throw new Error(`the ${provider} test database failed to open (see beforeAll)`);
        return fixture.db;
      }, provider);
    });
  }
}

/** Deletes every row (children first), for suites that want a clean slate per test. */
export async function clearDatabase(db: Db): Promise<void> {
  const p = db.prisma;
  await p.prophecy.deleteMany();
  await p.promotion.deleteMany();
  await p.jobEpoch.deleteMany();
  await p.trainingJob.deleteMany();
  await p.lease.deleteMany();
  await p.modelVersion.deleteMany();
}

/** A complete, plausible ModelVersion to store; override what a test cares about. */
export function sampleModelVersion(overrides: Partial<NewModelVersion> = {}): NewModelVersion {
  const started = new Date(Date.UTC(2026, 0, 1, 3, 0, 0));
  return {
    trainingStartedAt: started,
    trainingFinishedAt: new Date(started.getTime() + 60_000),
    status: "accepted",
    topology: { class_name: "Sequential", config: { layers: [{ class_name: "GRU", config: { units: 8 } }] } },
    weightSpecs: [{ name: "gru/kernel", shape: [4, 24], dtype: "float32" }],
    weights: Uint8Array.from({ length: 64 }, (_, i) => i),
    vocabulary: ["<q>", "the", "king", ",", "."],
    casing: { king: "King" },
    hyperParams: { units: 8, phraseLength: 4, learningRate: 0.003 },
    corpusSha256: "a".repeat(64),
    corpusIds: new Uint8Array(new Int32Array([0, 1, 2, 4, 0]).buffer),
    corpusDocuments: 1,
    gloveSource: "wink",
    gloveCoverage: 0.9,
    backend: "cpu",
    epochs: [{ epoch: 1, loss: 5.1, acc: 0.1, valLoss: 5.3, valAcc: 0.09, seconds: 1.5 }],
    loss: 5.1,
    valLoss: 5.3,
    valAcc: 0.09,
    evaluation: {
      perplexity: 200,
      kneserNeyPerplexity: 250,
      testPerplexity: 190,
      testKneserNeyPerplexity: 180,
      testTokens: 1700,
      testUnknownTokens: 120,
      copy: { samples: 10, meanLongestCopied: 3, maxLongestCopied: 6 },
      meanTokens: 36,
      corpusMeanTokens: 36,
      quality: [goodFigures({ temperature: 1, quatrains: 10, distinctBigramsAt: 300 })],
      corpusQuality: goodFigures({ quatrains: 1, copiedMax: null, copiedMean: null, copiedWithinLimit: null }),
    },
    ...overrides,
  };
}

/**
 * `db` as a service sees it, with the calls of one Prisma model method counted: how a test knows a
 * polling service has looked again (a real signal, where a sleep would only hope).
 */
export function countingCalls(db: Db, model: string, method: string): { db: Db; calls: () => number } {
  let calls = 0;
  const bind = (target: object, value: unknown): unknown =>
    typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
  const prisma = new Proxy(db.prisma, {
    get(client, key) {
      const value: unknown = Reflect.get(client, key);
      if (key !== model) return bind(client, value);
      return new Proxy(value as object, {
        get(delegate, name) {
          const fn: unknown = Reflect.get(delegate, name);
          if (name !== method || typeof fn !== "function") return bind(delegate, fn);
          return (...args: unknown[]): unknown => {
            calls++;
            return (fn as (...a: unknown[]) => unknown).apply(delegate, args);
          };
        },
      });
    },
  });
  return { db: { ...db, prisma }, calls: () => calls };
}
