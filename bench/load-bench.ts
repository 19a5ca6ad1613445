// The load bench (issue 20): the bot service (runBot with Discord over HTTP, Slack and the web
// API; real Fastify, Bolt, serving core, database) in this process, and the far side (fake Discord
// and Slack APIs, the load generator) on a worker thread (bench/load-worker.ts). Per run: what was
// served, the time to the answer carrying the quatrain (Discord: the HTTP answer or the deferral's
// edit; Slack: request → chat.postMessage; web: the 201), the bot's event-loop delay
// (monitorEventLoopDelay: p50, p99, max) and utilisation, the load average; every answered
// prophecy looked up in the database. Before the runs, one request's parts timed one at a time on
// the idle bot (signature check, parsing, sampling, database writes, reply, log line).
//
//   npm run bench -- --load [--surfaces discord,slack,web] [--open 100,200] [--closed 50] [--seconds 30]
//                           [--closed-seconds N] [--database URL] [--epochs 1] [--grace 30] [--no-stages]
//   (--discord and --slack are --load --surfaces discord / slack)
// Without --database it trains a model on the full corpus (--epochs) into data/bench-load.db (kept:
// later runs reuse its model). BOT_* settings from the environment apply (BOT_MAX_IN_FLIGHT…).
import { mkdir } from "node:fs/promises";
import { availableParallelism, cpus, loadavg, tmpdir } from "node:os";
import path from "node:path";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { runBot } from "../bot/main.ts";
import { discordSurface } from "../bot/discord/index.ts";
import { slackSurface } from "../bot/slack/surface.ts";
import type { BotDeps } from "../bot/surface.ts";
import { webSurface } from "../bot/web/index.ts";
import { loadConfig } from "../config/schema.ts";
import { openDatabase } from "../core/db/client.ts";
import { currentModelVersion } from "../core/db/model-versions.ts";
import { createLogger } from "../core/logger.ts";
import { initBackend } from "../core/tf/backend.ts";
import { startTsWorker } from "../core/tf/parallel/ts-worker.ts";
import { trainVersion } from "../core/training/train-version.ts";
import type { LoadSurface, RunFigures, RunRequest, WorkerMessage } from "./load-worker.ts";
import { measureStages } from "./load-stages.ts";
import { round } from "./stats.ts";

const { values: args } = parseArgs({
  args: process.argv.slice(2).filter((a) => !["--load", "--discord", "--slack"].includes(a)),
  strict: false,
  options: {
    surfaces: {
      type: "string",
      default: process.argv.includes("--discord")
        ? "discord"
        : process.argv.includes("--slack")
          ? "slack"
          : "discord,slack,web",
    },
    open: { type: "string", default: "100" },
    closed: { type: "string", default: "50" },
    seconds: { type: "string", default: "30" },
    "closed-seconds": { type: "string" },
    database: { type: "string" },
    epochs: { type: "string", default: "1" },
    grace: { type: "string", default: "30" },
    "no-stages": { type: "boolean", default: false },
    "log-file": { type: "string" },
  },
});

const say = (line = "") => process.stdout.write(`${line}\n`);
const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(" ");
const list = (s: unknown) =>
  String(s)
    .split(",")
    .map((x) => x.trim())
    .filter(Boolean);
const surfaces = list(args.surfaces) as LoadSurface[];
const openRates = list(args.open)
  .map(Number)
  .filter((n) => n > 0);
const closedClients = list(args.closed)
  .map(Number)
  .filter((n) => n > 0);
const seconds = Number(args.seconds);
const closedSeconds = Number(args["closed-seconds"] ?? seconds);
const quiet = createLogger("warn", { name: "bench" });

say(`Load bench — ${new Date().toISOString()}`);
say(`machine: ${availableParallelism()} cores (${cpus()[0]?.model ?? "?"}), load average ${load()}`);
say(`node ${process.version}; bot and load generator in this process, the generator and the fakes on a worker thread`);

// A database with a current model: the given one, or data/bench-load.db (trained now if it has none).
await mkdir("data", { recursive: true });
const databaseUrl = (args.database as string | undefined) ?? `file:${path.resolve("data/bench-load.db")}`;
const base = loadConfig(process.env, { database: { url: databaseUrl } });
await initBackend({ preference: base.bot.backend, setting: "BOT_BACKEND", syncReads: true }, quiet);
{
  const db = await openDatabase(databaseUrl, { migrate: true });
  if (!(await currentModelVersion(db))) {
    const t0 = performance.now();
    say(`training a model on the full corpus (${base.corpus.path}), ${String(args.epochs)} epoch(s)…`);
    const r = await trainVersion(
      {
        db,
        config: loadConfig(process.env, { database: { url: databaseUrl }, trainer: { evalSamples: 0 } }),
        log: quiet,
      },
      { epochs: Number(args.epochs), warmStart: false },
    );
    say(`  v${r.version} in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  }
  const m = (await currentModelVersion(db))!;
  say(
    `model: v${m.version}, ${m.epochs.length} epoch(s), vocabulary ${m.vocabulary.length}, val loss ${m.valLoss.toFixed(3)}, ${m.corpusDocuments} documents`,
  );
  await db.close();
}

// The far side on its own thread.
const worker = startTsWorker(new URL("./load-worker.ts", import.meta.url), {});
worker.unref();
worker.on("error", (error: Error) => {
  process.stderr.write(`load worker failed: ${error.stack ?? String(error)}\n`);
  process.exit(2);
});
const nextMessage = <T extends WorkerMessage["type"]>(type: T) =>
  new Promise<Extract<WorkerMessage, { type: T }>>((resolve) => {
    const on = (m: WorkerMessage) => {
      if (m.type !== type) return;
      worker.off("message", on);
      resolve(m as Extract<WorkerMessage, { type: T }>);
    };
    worker.on("message", on);
  });
const ready = await nextMessage("ready");

const SECRET = "bench-signing-secret";
const logFile = path.resolve(
  (args["log-file"] as string | undefined) ?? path.join(tmpdir(), `oracle-load-bench-${process.pid}.log`),
);
const config = loadConfig(process.env, {
  database: { url: databaseUrl },
  // No per-user or per-address rate limit: the load is many users on one loopback address.
  bot: { port: 0, host: "127.0.0.1", rateLimitPerMinute: 0 },
  web: { rateLimitPerMinute: 0 },
  discord: {
    publicKey: ready.discord.publicKeyHex,
    applicationId: ready.discord.applicationId,
    apiUrl: ready.discord.apiUrl,
    registerCommands: false,
  },
  slack: { botToken: "xoxb-bench", signingSecret: SECRET, apiUrl: ready.slack.apiUrl },
  log: { level: "info" },
});
// The bot logs as deployed (info, a line per command), to a file rather than this terminal.
const botLog = createLogger("info", { name: "bot", destination: logFile });
let botDeps: BotDeps | undefined;
const bot = await runBot(config, {
  log: botLog,
  surfaces: [
    discordSurface,
    slackSurface,
    webSurface,
    (deps) => {
      botDeps = deps;
      return null;
    },
  ],
});
worker.postMessage({ url: bot.url, secret: SECRET });
say(
  `bot: ${bot.url} (${bot.surfaces.join(", ")}), backend ${config.bot.backend}, BOT_MAX_IN_FLIGHT ${config.bot.maxInFlight}, ` +
    `DISCORD_DEFER_AFTER_MS ${config.discord.deferAfterMs}, log at info to ${logFile}; rate limits off`,
);

const run = (r: Omit<RunRequest, "type" | "graceSeconds">) => {
  worker.postMessage({ type: "run", graceSeconds: Number(args.grace), ...r } satisfies RunRequest);
  return nextMessage("result").then((m) => m.figures);
};

// Warm-up: the model loads on first use (its sampling thread a few seconds later), Bolt asks
// auth.test, the JIT settles: a long-running bot's state, which the runs measure.
for (const round of [1, 2]) {
  for (const surface of surfaces) await run({ surface, mode: "warm", rate: 0, clients: 20, seconds: 0 });
  if (round === 1) await new Promise((resolve) => setTimeout(resolve, 5_000));
}

if (!args["no-stages"]) {
  say("\none request, part by part (each part alone on the idle bot, 200 times; µs p50 / p99):");
  const stages = await measureStages({ deps: botDeps!, databaseUrl, signingSecret: SECRET, log: botLog });
  for (const s of stages)
    say(
      `  ${s.name.padEnd(46)} ${String(round(s.p50us, 0)).padStart(7)} / ${String(round(s.p99us, 0)).padStart(7)}   ${s.surfaces}`,
    );
}

const db = await openDatabase(databaseUrl);
// Slack commands before the runs (earlier runs, the parts timed above) are not theirs to finish.
const commandsBefore = (await db.prisma.chatCommand.aggregate({ _max: { id: true } }))._max.id ?? 0;
const eld = monitorEventLoopDelay({ resolution: 1 });
eld.enable();
const ms = (ns: number) => round(ns / 1e6, 1);
const results: (RunFigures & { eld: { p50: number; p99: number; max: number }; elu: number; load: string })[] = [];

async function measured(label: string, r: Omit<RunRequest, "type" | "graceSeconds">) {
  const loadBefore = load();
  eld.reset();
  const elu0 = performance.eventLoopUtilization();
  const cpu0 = process.cpuUsage();
  const f = await run(r);
  const elu = performance.eventLoopUtilization(elu0).utilization;
  const cpu = process.cpuUsage(cpu0);
  const stored = await countStored(f.surface, f.prophecyIds);
  const e = { p50: ms(eld.percentile(50)), p99: ms(eld.percentile(99)), max: ms(eld.max) };
  say(`\n${label} — load average before ${loadBefore}, after ${load()}`);
  say(
    `  sent ${f.sent}, served ${f.served} (${f.deferred} deferred), busy ${f.busy}, errors ${f.errors}${f.errorKinds.length ? ` (${f.errorKinds.join("; ")})` : ""}, acknowledged and lost ${f.lost}`,
  );
  say(
    `  ${round(f.served / f.wallSeconds, 1)}/s served; to the answer: p50 ${round(f.p50ms, 1)} ms, p99 ${round(f.p99ms, 1)} ms, max ${round(f.maxMs, 1)} ms`,
  );
  say(
    `  bot event loop: delay p50 ${e.p50} ms, p99 ${e.p99} ms, max ${e.max} ms; utilisation ${round(elu * 100, 0)} %; process CPU ${round((cpu.user + cpu.system) / 1e6 / f.wallSeconds, 2)} cores (all threads)`,
  );
  say(
    `  answered prophecies in the database: ${stored} of ${f.prophecyIds.length} ${stored === f.prophecyIds.length ? "✓" : "✗"}`,
  );
  results.push({ ...f, eld: e, elu, load: loadBefore });
  // What the run left (deferred edits, posts) settles before the next starts.
  await new Promise((resolve) => setTimeout(resolve, 2_000));
}

async function countStored(surface: LoadSurface, ids: number[]): Promise<number> {
  let n = 0;
  for (let i = 0; i < ids.length; i += 500)
    n += await db.prisma.prophecy.count({ where: { id: { in: ids.slice(i, i + 500) }, surface } });
  return n;
}

for (const surface of surfaces) {
  for (const rate of openRates)
    await measured(`${surface}: open loop, ${rate}/s (Poisson arrivals) for ${seconds} s`, {
      surface,
      mode: "open",
      rate,
      clients: 0,
      seconds,
    });
  for (const clients of closedClients)
    await measured(`${surface}: closed loop, ${clients} clients back to back for ${closedSeconds} s`, {
      surface,
      mode: "closed",
      rate: 0,
      clients,
      seconds: closedSeconds,
    });
}

const unfinished = await db.prisma.chatCommand.count({ where: { doneAt: null, id: { gt: commandsBefore } } });
say(`\nSlack commands acknowledged and not finished: ${unfinished}`);
const errors = (await import("node:fs"))
  .readFileSync(logFile, "utf8")
  .split("\n")
  .filter((l) => l.includes('"level":50'));
say(`bot errors logged: ${errors.length}${errors[0] ? ` (first: ${errors[0].slice(0, 300)})` : ""}`);
say(`load average at the end: ${load()}`);
await db.close();
await bot.stop();
await worker.terminate();
process.exit(0);
