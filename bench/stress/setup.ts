// The stress run's world: a scratch PostgreSQL database with a first model, the fakes of Discord and
// Slack on loopback, and the bot and trainer processes (real `oracle bot` / `oracle trainer`).
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { Agent } from "node:http";
import { availableParallelism, cpus, loadavg, tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { loadConfig, type Config } from "../../config/schema.ts";
import { openDatabase, type Db } from "../../core/db/client.ts";
import { createLogger, silentLogger } from "../../core/logger.ts";
import { initBackend } from "../../core/tf/backend.ts";
import { trainVersion } from "../../core/training/train-version.ts";
import { FakeDiscord } from "../../test/bot/discord/fake-discord.ts";
import { appKeys, type AppKeys } from "../../test/bot/discord/signing.ts";
import { startFakeSlack, type FakeSlack } from "../../test/bot/slack/fake-slack.ts";
import { SIGNING_SECRET } from "../../test/bot/slack/signing.ts";
import { httpRequest, type HttpReply } from "../http.ts";
import { round } from "../stats.ts";

export interface StressArgs {
  seconds: number;
  rate: number;
  clients: number;
  reactions: number;
  crashes: number;
  pgRestart: boolean;
  postgres: string;
  corpus: string;
  documents: number;
}

export interface Proc {
  name: string;
  child: ChildProcess;
  /** Lines worth keeping (warnings, models, listening, jobs). */
  out: string[];
  url?: string;
  exited: Promise<number | null>;
}

interface Readyz {
  status: number;
  body: { ready: boolean; reason?: string; modelVersion?: number };
}

export interface Stress {
  args: StressArgs;
  say: (line?: string) => void;
  sleep(ms: number): Promise<void>;
  root: string;
  work: string;
  slice: string;
  databaseUrl: string;
  db: Db;
  config: Config;
  /** Settings every process gets. */
  common: Record<string, string>;
  discord: FakeDiscord;
  keys: AppKeys;
  slack: FakeSlack;
  botEnv: Record<string, string>;
  trainerEnv: Record<string, string>;
  bots: Proc[];
  trainer: Proc;
  startProc(name: string, argv: string[], env: Record<string, string>, opts?: { asUser?: number }): Proc;
  /** Waits for a bot to log its address, then for /readyz 200 (unless `ready` is false). */
  waitListening(proc: Proc, opts?: { ready?: boolean; timeoutMs?: number }): Promise<void>;
  http: (url: string, method: string, body: string | undefined, headers: Record<string, string>) => Promise<HttpReply>;
  readyz(url: string): Promise<Readyz>;
  /** Every prophecy a client was answered with, checked against the database at the end. */
  answered: Set<number>;
  teardown(): Promise<void>;
}

export async function setUp(args: StressArgs): Promise<Stress> {
  const started = Date.now();
  const say = (line = "") => process.stdout.write(`${line}\n`);
  const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
  const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");

  say(`stress — ${new Date().toISOString()}`);
  say(
    `machine: ${availableParallelism()} cores (${cpus()[0]?.model ?? "?"}), load average ${loadavg()
      .map((x) => x.toFixed(2))
      .join(" ")}`,
  );
  say(
    `settings: ${args.seconds} s per load phase, ${args.rate}/s open loop, ${args.clients} clients, ${args.reactions} reaction events, ${args.crashes} kill -9${args.seconds < 60 || args.reactions < 10_000 ? " (SHORTENED run)" : ""}`,
  );

  const work = await mkdtemp(path.join(tmpdir(), "oracle-stress-"));
  const slice = path.join(work, "slice.txt");
  const lines = (await readFile(args.corpus, "utf8")).split("\n").filter(Boolean).slice(0, args.documents);
  await writeFile(slice, `${lines.join("\n")}\n`);

  const dbName = `oracle_stress_${process.pid}`;
  const admin = new pg.Client({ connectionString: args.postgres });
  await admin.connect();
  // The PostgreSQL restart ends this connection too; the database is dropped on a fresh one.
  admin.on("error", () => {});
  await admin.query(`DROP DATABASE IF EXISTS ${dbName}`);
  await admin.query(`CREATE DATABASE ${dbName}`);
  const adminUrl = new URL(args.postgres);
  adminUrl.pathname = `/${dbName}`;
  const databaseUrl = adminUrl.toString();
  // The script's own pool logs the restart's dropped connections; its figures come from the bots.
  const log = createLogger("error", { name: "stress" });
  const db = await openDatabase(databaseUrl, { migrate: true, log });
  const common = {
    MODEL_GRU_UNITS: "64",
    TRAIN_THREADS: "1",
    TRAINER_EVAL_SAMPLES: "0",
    GLOVE_CACHE_DIR: path.join(tmpdir(), "oracle-test-glove-cache"),
  };
  const config = loadConfig(
    { ...common },
    {
      database: { url: databaseUrl },
      corpus: { path: slice },
      training: { epochs: 1 },
      trainer: { promotionTolerance: 100 },
      log: { level: "silent" },
    },
  );
  await initBackend({ preference: "wasm" }, silentLogger);
  const t0 = performance.now();
  const first = await trainVersion({ db, config, log: silentLogger }, {});
  say(
    `first model: v${first.version} on ${lines.length} quatrains (1 epoch, ${round((performance.now() - t0) / 1000, 1)} s)`,
  );

  const discord = await new FakeDiscord().start();
  discord.keepRequests = false;
  const keys = appKeys();
  const slack = await startFakeSlack();

  // A crash of this script must not leave bots and trainers running.
  const children = new Set<ChildProcess>();
  process.on("exit", () => {
    for (const c of children) c.kill("SIGKILL");
  });
  process.on("uncaughtException", (err) => {
    process.stderr.write(`${err.stack}\n`);
    process.exit(1);
  });

  function startProc(name: string, argv: string[], env: Record<string, string>, opts: { asUser?: number } = {}): Proc {
    const command = [process.execPath, path.join(root, "bin/oracle.js"), ...argv];
    // File modes bind only a user that is not root: the read-only database fault runs its bot as one.
    const [file, ...rest] =
      opts.asUser !== undefined
        ? ["setpriv", `--reuid=${opts.asUser}`, `--regid=${opts.asUser}`, "--clear-groups", ...command]
        : command;
    const child = spawn(file, rest, {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        PATH: process.env.PATH ?? "",
        HOME: opts.asUser !== undefined ? "/tmp" : (process.env.HOME ?? ""),
        DATABASE_URL: databaseUrl,
        LOG_LEVEL: "info",
        ...common,
        ...env,
      },
    });
    children.add(child);
    child.on("exit", () => children.delete(child));
    const proc: Proc = { name, child, out: [], exited: new Promise((r) => child.on("exit", (code) => r(code))) };
    let partial = "";
    const take = (d: Buffer) => {
      partial += d.toString();
      const ls = partial.split("\n");
      partial = ls.pop()!;
      for (const l of ls) {
        // Command lines are many; keep what the report needs (warnings, models, listening, errors).
        if (/"level":(40|50|60)|serving model|listening|job|lease|version|shutting|^error:/.test(l)) proc.out.push(l);
        const m = /"msg":"bot service listening on (http:\/\/[^"]+)"/.exec(l);
        if (m) proc.url = m[1];
      }
    };
    child.stdout.on("data", take);
    child.stderr.on("data", take);
    return proc;
  }

  const agent = new Agent({ keepAlive: true, maxSockets: 512 });
  const http = (url: string, method: string, body: string | undefined, headers: Record<string, string>) =>
    httpRequest(agent, url, method, body, headers, 15_000);
  const readyz = async (url: string): Promise<Readyz> => {
    try {
      const r = await http(`${url}/readyz`, "GET", undefined, {});
      return { status: r.status, body: JSON.parse(r.text) as Readyz["body"] };
    } catch (err) {
      return { status: 0, body: { ready: false, reason: (err as Error).message } };
    }
  };
  async function waitListening(proc: Proc, opts: { ready?: boolean; timeoutMs?: number } = {}) {
    const until = Date.now() + (opts.timeoutMs ?? 60_000);
    while (!proc.url) {
      if (Date.now() > until || proc.child.exitCode !== null)
        throw new Error(`${proc.name} did not start:\n${proc.out.join("\n")}`);
      await sleep(50);
    }
    if (opts.ready === false) return;
    while ((await readyz(proc.url)).status !== 200) {
      if (Date.now() > until) throw new Error(`${proc.name} never became ready`);
      await sleep(50);
    }
  }

  const botEnv = {
    PORT: "0",
    BOT_HOST: "127.0.0.1",
    BOT_BACKEND: "wasm",
    BOT_MODEL_POLL_SECONDS: "1",
    BOT_RATE_LIMIT_PER_MINUTE: "0",
    // A bot killed mid-command is taken over within a few seconds.
    BOT_LEASE_SECONDS: "3",
    WEB_RATE_LIMIT_PER_MINUTE: "100000",
    WEB_ADMIN_TOKEN: "stress-admin-token-0123456789",
    DISCORD_PUBLIC_KEY: keys.publicKeyHex,
    DISCORD_APPLICATION_ID: discord.applicationId,
    DISCORD_API_URL: discord.apiUrl,
    DISCORD_REGISTER_COMMANDS: "false",
    SLACK_BOT_TOKEN: "xoxb-stress",
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slack.apiUrl,
    SLACK_ADMIN_USER_IDS: "UADMIN",
    SLACK_ANNOUNCE_SECONDS: "1",
  };
  const trainerEnv = {
    CORPUS_PATH: slice,
    TRAIN_EPOCHS: "3",
    TRAINER_BACKEND: "wasm",
    TRAINER_POLL_SECONDS: "0.5",
    TRAINER_LEASE_TIMEOUT_SECONDS: "5",
    TRAINER_HEARTBEAT_SECONDS: "1",
    TRAINER_ON_LEASE_EXPIRED: "requeue",
    TRAINER_PROMOTION_TOLERANCE: "100",
  };
  const bots = [startProc("bot A", ["bot"], botEnv), startProc("bot B", ["bot"], botEnv)];
  const trainer = startProc("trainer", ["trainer"], trainerEnv);
  for (const b of bots) await waitListening(b);
  say(`bots: ${bots.map((b) => `${b.name} ${b.url}`).join(", ")}; trainer pid ${trainer.child.pid}`);

  const stress: Stress = {
    args,
    say,
    sleep,
    root,
    work,
    slice,
    databaseUrl,
    db,
    config,
    common,
    discord,
    keys,
    slack,
    botEnv,
    trainerEnv,
    bots,
    trainer,
    startProc,
    waitListening,
    http,
    readyz,
    answered: new Set(),
    async teardown() {
      const tStop = Date.now();
      const all = [...stress.bots, stress.trainer];
      for (const p of all) p.child.kill("SIGTERM");
      const codes = await Promise.all(all.map((p) => p.exited));
      say(`SIGTERM: ${all.map((p, i) => `${p.name} exit ${codes[i]}`).join(", ")} within ${Date.now() - tStop} ms`);
      await db.close();
      await discord.close();
      await slack.close();
      agent.destroy();
      await admin.end().catch(() => {});
      const dropper = new pg.Client({ connectionString: args.postgres });
      await dropper.connect();
      await dropper.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => {});
      await dropper.end();
      await rm(work, { recursive: true, force: true });
      say(
        `total ${round((Date.now() - started) / 1000, 1)} s, load average ${loadavg()
          .map((x) => x.toFixed(2))
          .join(" ")}`,
      );
    },
  };
  return stress;
}
