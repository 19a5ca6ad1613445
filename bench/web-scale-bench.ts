// The web history at community scale: N prophecies and 3N reactions seeded in bulk into a fresh
// SQLite file and a fresh PostgreSQL database (migrated as in production), then p50/p99 of the
// queries the web page makes, through the serving core (oracle.history: the filtered, sorted id
// page plus the rows and their reactions per emoji). Goal: each ≤ 50 ms p99 on both databases.
//   node --import tsx bench/web-scale-bench.ts [--rows 1000000] [--iterations 200] [--postgres URL]
// Also part of `npm run bench` (--web-rows N there; 0 skips it).
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import Database from "better-sqlite3";
import pg from "pg";
import seedrandom from "seedrandom";
import { loadConfig } from "../config/schema.ts";
import { openDatabase, type Db } from "../core/db/client.ts";
import { migrate } from "../core/db/migrate.ts";
import { createModelVersion, type NewModelVersion } from "../core/db/model-versions.ts";
import { silentLogger } from "../core/logger.ts";
import { createOracle } from "../core/oracle/oracle.ts";
import type { HistoryQuery, Oracle } from "../core/oracle/types.ts";
import { decodeCursor, searchProphecies, searchWords } from "../core/db/prophecy-search.ts";
import { quantile, round } from "./stats.ts";

export interface WebScaleOptions {
  rows: number;
  iterations: number;
  /** Admin URL of a PostgreSQL server (a database is created and dropped); null skips PostgreSQL. */
  postgresUrl: string | null;
  say: (line: string) => void;
}

export interface QueryFigure {
  query: string;
  /** oracle.history: the id query, the rows, their reactions per emoji (what a page waits for). */
  p50ms: number;
  p99ms: number;
  /** searchProphecies alone: the one indexed SQL query (filters, words, sort, cursor). */
  sqlP50ms: number;
  sqlP99ms: number;
  rowsReturned: number;
}

export interface DatabaseFigures {
  provider: "sqlite" | "postgresql";
  prophecies: number;
  reactions: number;
  seedSeconds: number;
  queries: QueryFigure[];
}

const SURFACES = ["discord", "slack", "web", "cli"];
const EMOJIS = ["👍", "🔥", "😱", "🙏", "💀", "✨"];
const VOCABULARY = 5000;
const BATCH = 5000;
// SQLite allows 32,766 parameters per statement.
const SQLITE_BATCH = 2000;
const GOAL_MS = 50;

/** Words with a Zipf distribution, so a search can pick a common, a middling and a rare word. */
const word = (rank: number) => `w${rank.toString(36)}`;
function zipfSampler(random: () => number): () => number {
  const cumulative = new Float64Array(VOCABULARY);
  let sum = 0;
  for (let r = 1; r <= VOCABULARY; r++) cumulative[r - 1] = sum += 1 / r;
  return () => {
    const x = random() * sum;
    let lo = 0;
    let hi = VOCABULARY - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return lo + 1;
  };
}

interface Generated {
  prophecy: (i: number) => {
    text: string;
    lines: string;
    temperature: number;
    surface: string;
    createdAt: Date;
    reactionCount: number;
  };
  reactionsOf: (i: number, count: number) => { userId: string; emoji: string }[];
  reactionCounts: Uint16Array;
}

/** The same rows for both databases: seeded randomness. Reactions: 3 per prophecy on average, skewed. */
function generate(rows: number): Generated {
  const random = seedrandom("web-scale");
  const zipf = zipfSampler(random);
  const reactionCounts = new Uint16Array(rows);
  let left = rows * 3;
  // A quarter of the prophecies get reactions: 12 on average, a few get hundreds.
  while (left > 0) {
    const i = Math.floor(random() * rows);
    const n = Math.min(left, 1 + Math.floor(-Math.log(1 - random()) * 11));
    reactionCounts[i] = Math.min(65_000, reactionCounts[i] + n);
    left -= n;
  }
  const start = Date.UTC(2024, 0, 1);
  const step = (Date.UTC(2026, 10, 1) - start) / rows;
  return {
    reactionCounts,
    prophecy: (i) => {
      const lines = Array.from({ length: 4 }, () =>
        Array.from({ length: 6 + Math.floor(random() * 4) }, () => word(zipf())).join(" "),
      );
      return {
        text: lines.join("\n"),
        lines: JSON.stringify(lines),
        temperature: Math.round((0.1 + random() * 1.9) * 10) / 10,
        surface: SURFACES[Math.floor(random() * SURFACES.length)],
        createdAt: new Date(start + i * step),
        reactionCount: reactionCounts[i],
      };
    },
    // Distinct (user, emoji) pairs per prophecy.
    reactionsOf: (i, count) =>
      Array.from({ length: count }, (_, k) => ({ userId: `u${k}`, emoji: EMOJIS[(i + k) % EMOJIS.length] })),
  };
}

function modelVersion(): NewModelVersion {
  const now = new Date();
  return {
    trainingStartedAt: now,
    trainingFinishedAt: now,
    status: "accepted",
    topology: {},
    weightSpecs: [],
    weights: new Uint8Array(4),
    vocabulary: ["<q>"],
    casing: {},
    hyperParams: {},
    corpusSha256: "0".repeat(64),
    corpusIds: new Uint8Array(4),
    corpusDocuments: 0,
    gloveSource: "bench",
    gloveCoverage: 0,
    backend: "cpu",
    epochs: [],
    loss: 0,
    valLoss: 0,
    valAcc: 0,
    evaluation: null,
  };
}

const sqliteTime = (d: Date) => d.toISOString().replace("Z", "+00:00");

function seedSqlite(file: string, version: number, rows: number): number {
  const gen = generate(rows);
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = OFF");
  const cols = `("text","lines","temperature","modelVersion","longestCopied","redraws","surface","requestedBy","createdAt","reactionCount","messageRef")`;
  let reactions = 0;
  const insertProphecies = (n: number) =>
    db.prepare(
      `INSERT INTO "Prophecy" ${cols} VALUES ${Array.from({ length: n }, () => "(?,?,?,?,?,?,?,?,?,?,?)").join(",")}`,
    );
  const insertReactions = (n: number) =>
    db.prepare(
      `INSERT INTO "Reaction" ("prophecyId","platform","userId","emoji","present","eventAt","messageRef","createdAt") VALUES ${Array.from({ length: n }, () => "(?,?,?,?,1,?,?,?)").join(",")}`,
    );
  const fullProphecies = insertProphecies(SQLITE_BATCH);
  const fullReactions = insertReactions(SQLITE_BATCH);
  let pending: unknown[] = [];
  let pendingCount = 0;
  const flushReactions = (force: boolean) => {
    if (pendingCount === 0 || (!force && pendingCount < SQLITE_BATCH)) return;
    (pendingCount === SQLITE_BATCH ? fullReactions : insertReactions(pendingCount)).run(...pending);
    pending = [];
    pendingCount = 0;
  };
  db.transaction(() => {
    for (let from = 0; from < rows; from += SQLITE_BATCH) {
      const n = Math.min(SQLITE_BATCH, rows - from);
      const values: unknown[] = [];
      for (let i = from; i < from + n; i++) {
        const p = gen.prophecy(i);
        values.push(
          p.text,
          p.lines,
          p.temperature,
          version,
          2,
          0,
          p.surface,
          "bench",
          sqliteTime(p.createdAt),
          p.reactionCount,
          `m${i}`,
        );
      }
      (n === SQLITE_BATCH ? fullProphecies : insertProphecies(n)).run(...values);
      for (let i = from; i < from + n; i++) {
        const at = sqliteTime(new Date());
        for (const r of gen.reactionsOf(i, gen.reactionCounts[i])) {
          pending.push(i + 1, "discord", r.userId, r.emoji, at, `m${i}`, at);
          pendingCount++;
          reactions++;
          if (pendingCount === SQLITE_BATCH) flushReactions(false);
        }
      }
    }
    flushReactions(true);
  })();
  db.exec("ANALYZE");
  db.close();
  return reactions;
}

async function seedPostgres(url: string, version: number, rows: number): Promise<number> {
  const gen = generate(rows);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  let reactions = 0;
  try {
    for (let from = 0; from < rows; from += BATCH) {
      const n = Math.min(BATCH, rows - from);
      const cols: unknown[][] = [[], [], [], [], [], []];
      const r: unknown[][] = [[], [], [], []];
      for (let i = from; i < from + n; i++) {
        const p = gen.prophecy(i);
        for (const [k, v] of [
          p.text,
          p.lines,
          p.temperature,
          p.surface,
          p.createdAt.toISOString(),
          p.reactionCount,
        ].entries())
          cols[k].push(v);
        for (const x of gen.reactionsOf(i, gen.reactionCounts[i])) {
          r[0].push(i + 1);
          r[1].push(x.userId);
          r[2].push(x.emoji);
          r[3].push(`m${i}`);
          reactions++;
        }
      }
      // Multi-row inserts from arrays: one statement per batch (the ids follow the insertion order).
      await client.query(
        `INSERT INTO "Prophecy" ("text","lines","temperature","surface","createdAt","reactionCount","modelVersion","longestCopied","redraws","requestedBy")
         SELECT t, l::jsonb, temp, s, c::timestamp, rc, $7, 2, 0, 'bench' FROM unnest($1::text[], $2::text[], $3::float8[], $4::text[], $5::text[], $6::int[]) AS x(t, l, temp, s, c, rc)`,
        [...cols, version],
      );
      if (r[0].length > 0) {
        await client.query(
          `INSERT INTO "Reaction" ("prophecyId","platform","userId","emoji","present","eventAt","messageRef")
           SELECT p, 'discord', u, e, true, now(), m FROM unnest($1::int[], $2::text[], $3::text[], $4::text[]) AS x(p, u, e, m)`,
          r,
        );
      }
    }
    await client.query("VACUUM ANALYZE");
  } finally {
    await client.end();
  }
  return reactions;
}

/** The queries the web page makes, with their names. */
function queries(cursors: { deepNew: string; deepReactions: string }): [string, HistoryQuery][] {
  return [
    ["history, first page (newest)", { sort: "new", limit: 20 }],
    ["history, a page in the middle", { sort: "new", limit: 20, cursor: cursors.deepNew }],
    ["word search, common word", { sort: "new", limit: 20, q: word(1) }],
    ["word search, middling word", { sort: "new", limit: 20, q: word(100) }],
    ["word search, rare word", { sort: "new", limit: 20, q: word(3000) }],
    ["word search, two words", { sort: "new", limit: 20, q: `${word(20)} ${word(50)}` }],
    ["most reacted, first page", { sort: "reactions", limit: 20 }],
    ["most reacted, a later page", { sort: "reactions", limit: 20, cursor: cursors.deepReactions }],
    [
      "filtered: surface + temperature",
      { sort: "new", limit: 20, surface: "web", minTemperature: 1.1, maxTemperature: 1.3 },
    ],
  ];
}

async function timed(iterations: number, run: () => Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < iterations + 10; i++) {
    const t0 = performance.now();
    await run();
    if (i >= 10) times.push(performance.now() - t0); // the first ten warm the caches
  }
  return times;
}

async function measure(db: Db, oracle: Oracle, rows: number, iterations: number): Promise<QueryFigure[]> {
  // Cursors halfway through (as a reader who clicked "older" many times would hold).
  const deepId = Math.floor(rows / 2);
  const deepNew = `n${deepId}`;
  const deepReactions = `r1.${deepId}`;
  const out: QueryFigure[] = [];
  for (const [name, query] of queries({ deepNew, deepReactions })) {
    const returned = (await oracle.history(query)).prophecies.length;
    const sort = query.sort ?? "new";
    const search = {
      ...query,
      sort,
      limit: query.limit ?? 20,
      words: query.q ? searchWords(query.q) : [],
      after: query.cursor ? decodeCursor(sort, query.cursor) : null,
    };
    const sql = await timed(iterations, () => searchProphecies(db, search));
    const times = await timed(iterations, () => oracle.history(query));
    out.push({
      query: name,
      p50ms: round(quantile(times, 0.5)),
      p99ms: round(quantile(times, 0.99)),
      sqlP50ms: round(quantile(sql, 0.5)),
      sqlP99ms: round(quantile(sql, 0.99)),
      rowsReturned: returned,
    });
  }
  return out;
}

async function runOne(
  provider: "sqlite" | "postgresql",
  url: string,
  options: WebScaleOptions,
): Promise<DatabaseFigures> {
  await migrate(url);
  const setup = await openDatabase(url);
  const version = await createModelVersion(setup, modelVersion(), { promote: { by: "bench", reason: "bench" } });
  await setup.close();
  const t0 = performance.now();
  const reactions =
    provider === "sqlite"
      ? seedSqlite(url.slice("file:".length), version, options.rows)
      : await seedPostgres(url, version, options.rows);
  const seedSeconds = (performance.now() - t0) / 1000;
  options.say(
    `  ${provider}: seeded ${options.rows.toLocaleString("en")} prophecies + ${reactions.toLocaleString("en")} reactions in ${seedSeconds.toFixed(0)} s`,
  );
  const db: Db = await openDatabase(url);
  const config = loadConfig({}, { database: { url }, log: { level: "silent" } });
  const oracle = createOracle({ db, config, log: silentLogger, watch: false });
  try {
    options.say(
      `    (load average ${loadavg()
        .map((x) => x.toFixed(1))
        .join(" ")} before measuring: shared cores make timings noisy)`,
    );
    const figures = await measure(db, oracle, options.rows, options.iterations);
    for (const f of figures) {
      options.say(
        `    ${f.query.padEnd(34)} page p50 ${f.p50ms.toFixed(1).padStart(6)} ms  p99 ${f.p99ms.toFixed(1).padStart(6)} ms  [goal p99 ≤ ${GOAL_MS} ms: ${f.p99ms <= GOAL_MS ? "✓ goal met" : "✗ goal missed"}]   its SQL p50 ${f.sqlP50ms.toFixed(2)} ms p99 ${f.sqlP99ms.toFixed(2)} ms  (${f.rowsReturned} rows)`,
      );
    }
    return { provider, prophecies: options.rows, reactions, seedSeconds: round(seedSeconds, 1), queries: figures };
  } finally {
    await oracle.close();
    await db.close();
  }
}

export async function benchWebScale(options: WebScaleOptions): Promise<DatabaseFigures[]> {
  const results: DatabaseFigures[] = [];
  options.say(
    `\nWeb history at scale (${options.rows.toLocaleString("en")} prophecies, 3 reactions each on average; ${options.iterations} runs per query, through oracle.history):`,
  );
  const dir = mkdtempSync(path.join(tmpdir(), "oracle-web-bench-"));
  try {
    results.push(await runOne("sqlite", `file:${path.join(dir, "oracle.db")}`, options));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (options.postgresUrl) {
    const name = `oracle_bench_${randomBytes(4).toString("hex")}`;
    const admin = new pg.Client({ connectionString: options.postgresUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(options.postgresUrl);
    url.pathname = `/${name}`;
    try {
      results.push(await runOne("postgresql", url.toString(), options));
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  } else {
    options.say("  postgresql: skipped (no --postgres URL)");
  }
  return results;
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename);
if (isMain) {
  const { values } = parseArgs({
    options: {
      rows: { type: "string", default: "1000000" },
      iterations: { type: "string", default: "200" },
      postgres: {
        type: "string",
        default: process.env.BENCH_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres",
      },
    },
  });
  await benchWebScale({
    rows: Number(values.rows),
    iterations: Number(values.iterations),
    postgresUrl: values.postgres === "none" ? null : values.postgres,
    say: (line) => process.stdout.write(`${line}\n`),
  });
}
