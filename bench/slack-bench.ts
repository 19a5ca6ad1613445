// Slack under load: signed `/prophecy` commands to POST /slack/events of the real bot service
// (runBot with the Slack surface, real Bolt, real serving core) on loopback, against a model trained
// on the full corpus, with a local fake Slack Web API and the load generator on their own thread
// (bench/slack-load-worker.ts). Two runs: open loop at a steady rate (arrivals do not wait for
// answers) and N clients back to back. Per request: the ack's time, and the time
// from sending the command to the chat.postMessage carrying its quatrain at the fake.
//
//   node --import tsx bench/slack-bench.ts [--epochs 1] [--rate 100] [--clients 50] [--seconds 30] [--grace 60] [--database URL]
// --database reuses a database whose current model is kept (else a fresh SQLite file is trained now);
// --grace is how long posts may still arrive after the load stops before the rest count as unanswered.
//   npm run bench -- --slack   (same options)
import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, cpus, loadavg, tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { runBot } from "../bot/main.ts";
import { slackSurface } from "../bot/slack/surface.ts";
import { loadConfig } from "../config/schema.ts";
import { openDatabase } from "../core/db/client.ts";
import { currentModelVersion } from "../core/db/model-versions.ts";
import { createLogger } from "../core/logger.ts";
import { initBackend } from "../core/tf/backend.ts";
import { trainVersion } from "../core/training/train-version.ts";
import { startTsWorker } from "../core/tf/parallel/ts-worker.ts";
import type { LoadSettings, RunFigures } from "./slack-load-worker.ts";

const { values: args } = parseArgs({
  options: {
    slack: { type: "boolean" },
    epochs: { type: "string", default: "1" },
    rate: { type: "string", default: "100" },
    clients: { type: "string", default: "50" },
    seconds: { type: "string", default: "30" },
    database: { type: "string" },
    grace: { type: "string", default: "60" },
  },
  strict: false,
});
const say = (line: string) => process.stdout.write(`${line}\n`);
const SECRET = "bench-signing-secret";
const seconds = Number(args.seconds);
const log = createLogger("warn", { name: "slack-bench", pretty: process.stderr.isTTY });

say(`Slack bench — ${new Date().toISOString()}`);
say(
  `machine: ${availableParallelism()} cores (${cpus()[0]?.model ?? "?"}), load average ${loadavg()
    .map((x) => x.toFixed(2))
    .join(
      " ",
    )}; the bot and Slack's side (fake Web API + load generator, on a worker thread) share these cores with whatever else runs here`,
);

// A database with a current full-corpus model: the given one, or a fresh SQLite file trained now.
let scratch: string | undefined;
let databaseUrl = args.database as string | undefined;
if (!databaseUrl) {
  scratch = mkdtempSync(path.join(tmpdir(), "oracle-slack-bench-"));
  databaseUrl = `file:${path.join(scratch, "oracle.db")}`;
}
const base = loadConfig(process.env, { database: { url: databaseUrl } });
// One backend for the process: serving's (BOT_BACKEND), which also trains the bench's model if there is none.
await initBackend({ preference: base.bot.backend, setting: "BOT_BACKEND", syncReads: true }, log);
{
  const db = await openDatabase(databaseUrl, { migrate: true });
  if (!(await currentModelVersion(db))) {
    const started = performance.now();
    say(`training a full-corpus model for the bench: ${args.epochs} epoch(s) (${base.corpus.path})…`);
    const result = await trainVersion(
      { db, config: loadConfig(process.env, { database: { url: databaseUrl }, trainer: { evalSamples: 0 } }), log },
      { epochs: Number(args.epochs), warmStart: false },
    );
    say(
      `  v${result.version}: ${result.vocabSize} words, val loss ${result.valLoss.toFixed(3)}, ${((performance.now() - started) / 1000).toFixed(0)} s`,
    );
  }
  const current = await currentModelVersion(db);
  say(
    `model: v${current!.version}, vocabulary ${current!.vocabulary.length}, ${current!.corpusDocuments} documents, val loss ${current!.valLoss.toFixed(3)}`,
  );
  await db.close();
}

// Slack's side (fake Web API + load generator) runs on its own thread, as Slack runs elsewhere.
const worker = startTsWorker(new URL("./slack-load-worker.ts", import.meta.url), {});
const messages: { type: string; apiUrl?: string; results?: RunFigures[] }[] = [];
let wake: () => void = () => {};
worker.on("message", (m: (typeof messages)[number]) => {
  messages.push(m);
  wake();
});
worker.on("error", (error: Error) => {
  process.stderr.write(`load worker failed: ${error.stack ?? error}\n`);
  process.exit(2);
});
const next = async (type: string) => {
  for (;;) {
    const i = messages.findIndex((m) => m.type === type);
    if (i >= 0) return messages.splice(i, 1)[0];
    await new Promise<void>((resolve) => (wake = resolve));
  }
};
const { apiUrl } = await next("ready");

const config = loadConfig(process.env, {
  database: { url: databaseUrl },
  bot: { port: 0, host: "127.0.0.1", rateLimitPerMinute: 0 },
  slack: { botToken: "xoxb-bench", signingSecret: SECRET, apiUrl: apiUrl! },
  log: { level: "warn" },
});
const bot = await runBot(config, { log, surfaces: [slackSurface] });
say(
  `bot: ${bot.url}, surfaces ${bot.surfaces.join(", ")}, sampling on ${config.bot.backend}; per-user rate limit off for the bench (BOT_RATE_LIMIT_PER_MINUTE=0)`,
);

const f = (x: number) => `${x.toFixed(1)} ms`;
try {
  const settings: LoadSettings = {
    url: bot.url,
    secret: SECRET,
    rate: Number(args.rate),
    clients: Number(args.clients),
    seconds,
    grace: Number(args.grace),
  };
  worker.postMessage(settings);
  const { results } = await next("done");
  for (const r of results!) {
    say(
      `\n${r.name}: ${r.sent} commands in ${r.wallSeconds.toFixed(1)} s (${(r.sent / r.wallSeconds).toFixed(1)}/s sent), ${r.posted} quatrains posted (${(r.posted / r.wallSeconds).toFixed(1)}/s)`,
    );
    say(`  request → chat.postMessage: p50 ${f(r.toPostP50)}, p99 ${f(r.toPostP99)}, max ${f(r.toPostMax)}`);
    say(
      `  ack: p50 ${f(r.ackP50)}, p99 ${f(r.ackP99)}, max ${f(r.ackMax)}; all under 3 s: ${r.acksUnder3s ? "yes" : "NO"}`,
    );
    say(
      `  errors: ${r.errors} (HTTP/transport)${r.errorExample ? `, e.g. ${r.errorExample}` : ""}; ${r.busy} answered "busy" in the ack (BOT_MAX_IN_FLIGHT ${config.bot.maxInFlight}); ${r.failureReplies} failure replies; acked but neither posted nor answered with a failure within ${args.grace} s after the load: ${r.lost}`,
    );
  }
  const db = await openDatabase(databaseUrl);
  const stored = await db.prisma.prophecy.count({ where: { surface: "slack", messageRef: { not: null } } });
  say(`\nprophecies stored with their Slack message: ${stored} (warm-up and earlier runs on this database included)`);
  await db.close();
  say(
    `load average after: ${loadavg()
      .map((x) => x.toFixed(2))
      .join(" ")}`,
  );
} finally {
  await bot.stop();
  await worker.terminate();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
}
process.exit(0);
