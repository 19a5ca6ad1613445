// Slack under load: signed `/prophecy` commands to POST /slack/events of the real bot service
// (runBot with the Slack surface, real Bolt, real serving core) on loopback, against a model trained
// on the full corpus, with a local fake Slack Web API. Two runs: open loop at a steady rate (arrivals
// do not wait for answers) and N clients back to back. Per request: the ack's time, and the time
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
import { commandBody, slackSignature } from "../test/bot/slack/signing.ts";
import { startFakeSlack, type FakeSlack } from "../test/bot/slack/fake-slack.ts";
import { quantile } from "./stats.ts";

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
say(`machine: ${availableParallelism()} cores (${cpus()[0]?.model ?? "?"}), load average ${loadavg().map((x) => x.toFixed(2)).join(" ")}; load generator, fake Slack and bot share this process and these cores`);

// A database with a current full-corpus model: the given one, or a fresh SQLite file trained now.
let scratch: string | undefined;
let databaseUrl = args.database as string | undefined;
if (!databaseUrl) {
  scratch = mkdtempSync(path.join(tmpdir(), "oracle-slack-bench-"));
  databaseUrl = `file:${path.join(scratch, "oracle.db")}`;
}
const base = loadConfig(process.env, { database: { url: databaseUrl } });
{
  const db = await openDatabase(databaseUrl, { migrate: true });
  if (!(await currentModelVersion(db))) {
    await initBackend({ preference: base.training.backend }, log);
    const started = performance.now();
    say(`training a full-corpus model for the bench: ${args.epochs} epoch(s) (${base.corpus.path})…`);
    const result = await trainVersion({ db, config: loadConfig(process.env, { database: { url: databaseUrl }, trainer: { evalSamples: 0 } }), log },
      { epochs: Number(args.epochs), warmStart: false });
    say(`  v${result.version}: ${result.vocabSize} words, val loss ${result.valLoss.toFixed(3)}, ${((performance.now() - started) / 1000).toFixed(0)} s`);
  }
  const current = await currentModelVersion(db);
  say(`model: v${current!.version}, vocabulary ${current!.vocabulary.length}, ${current!.corpusDocuments} documents, val loss ${current!.valLoss.toFixed(3)}`);
  await db.close();
}

const fake: FakeSlack = await startFakeSlack();
const config = loadConfig(process.env, {
  database: { url: databaseUrl },
  bot: { port: 0, host: "127.0.0.1", rateLimitPerMinute: 0 },
  slack: { botToken: "xoxb-bench", signingSecret: SECRET, apiUrl: fake.apiUrl },
  log: { level: "warn" },
});
const bot = await runBot(config, { log, surfaces: [slackSurface], exit: () => {} });
say(`bot: ${bot.url}, surfaces ${bot.surfaces.join(", ")}; per-user rate limit off for the bench (BOT_RATE_LIMIT_PER_MINUTE=0)`);

interface Sample {
  channel: string;
  sentAt: number;
  ackMs?: number;
  status?: number;
  error?: string;
}

let counter = 0;
async function send(run: string): Promise<Sample> {
  const channel = `C${run}${++counter}`;
  const body = commandBody(fake, "/prophecy", "temperature:1.2", { channel, user: `U${counter % 500}` });
  const timestamp = Math.floor(Date.now() / 1000);
  const sample: Sample = { channel, sentAt: performance.now() };
  try {
    const response = await fetch(`${bot.url}/slack/events`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", "x-slack-request-timestamp": String(timestamp), "x-slack-signature": slackSignature(body, timestamp, SECRET) },
      body,
    });
    await response.arrayBuffer();
    sample.ackMs = performance.now() - sample.sentAt;
    sample.status = response.status;
  } catch (error) {
    sample.error = (error as Error).message;
  }
  return sample;
}

async function openLoop(rate: number, durationS: number): Promise<Sample[]> {
  const pending: Promise<Sample>[] = [];
  const start = performance.now();
  const total = Math.round(rate * durationS);
  while (pending.length < total) {
    const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate) + 1);
    while (pending.length < due) pending.push(send("O"));
    await new Promise((r) => setTimeout(r, 2));
  }
  return Promise.all(pending);
}

async function closedLoop(clients: number, durationS: number): Promise<Sample[]> {
  const end = performance.now() + durationS * 1000;
  const samples: Sample[] = [];
  await Promise.all(Array.from({ length: clients }, async () => {
    while (performance.now() < end) {
      const sample = await send("K");
      samples.push(sample);
      // Back to back means: the next command once this one's quatrain is posted.
      if (sample.status === 200) await fake.waitFor("chat.postMessage", (c) => c.args.channel === sample.channel, 30_000).catch(() => {});
    }
  }));
  return samples;
}

async function report(name: string, samples: Sample[], wallS: number): Promise<void> {
  // Grace time for posts still in flight when the load stops.
  const deadline = performance.now() + Number(args.grace) * 1000;
  const postedAt = () => new Map(fake.callsOf("chat.postMessage").map((c) => [String(c.args.channel), c.at]));
  let posts = postedAt();
  while (samples.some((s) => s.status === 200 && !posts.has(s.channel)) && performance.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    posts = postedAt();
  }
  const failures = fake.callsOf("respond").length;
  const errors = samples.filter((s) => s.error || s.status !== 200);
  const acked = samples.filter((s) => s.status === 200);
  // Acked but no quatrain posted and no failure told within the grace time.
  const notPosted = acked.filter((s) => !posts.has(s.channel)).length;
  const lost = Math.max(0, notPosted - failures);
  const toPost = acked.filter((s) => posts.has(s.channel)).map((s) => posts.get(s.channel)! - s.sentAt);
  const acks = acked.map((s) => s.ackMs!);
  const f = (x: number) => `${x.toFixed(1)} ms`;
  say(`\n${name}: ${samples.length} commands in ${wallS.toFixed(1)} s (${(samples.length / wallS).toFixed(1)}/s sent), ${toPost.length} quatrains posted (${(toPost.length / wallS).toFixed(1)}/s)`);
  say(`  request → chat.postMessage: p50 ${f(quantile(toPost, 0.5))}, p99 ${f(quantile(toPost, 0.99))}, max ${f(Math.max(...toPost))}`);
  say(`  ack: p50 ${f(quantile(acks, 0.5))}, p99 ${f(quantile(acks, 0.99))}, max ${f(Math.max(...acks))}; all under 3 s: ${acks.every((a) => a < 3000) ? "yes" : "NO"}`);
  say(`  errors: ${errors.length} (HTTP/transport)${errors.length ? ` e.g. ${errors[0]!.error ?? errors[0]!.status}` : ""}, ${failures} ephemeral failure replies; acked but neither posted nor answered with a failure within ${args.grace} s after the load: ${lost}`);
  fake.calls.length = 0;
}

try {
  // Warm-up: the model is loaded on the first prophecy.
  await Promise.all(Array.from({ length: 20 }, () => send("W")));
  await new Promise((r) => setTimeout(r, 1000));
  fake.calls.length = 0;

  const rate = Number(args.rate);
  let t0 = performance.now();
  const open = await openLoop(rate, seconds);
  await report(`Open loop at ${rate}/s for ${seconds} s`, open, (performance.now() - t0) / 1000);

  const clients = Number(args.clients);
  t0 = performance.now();
  const closed = await closedLoop(clients, seconds);
  await report(`${clients} clients back to back for ${seconds} s`, closed, (performance.now() - t0) / 1000);

  const db = await openDatabase(databaseUrl);
  const stored = await db.prisma.prophecy.count({ where: { surface: "slack", messageRef: { not: null } } });
  say(`\nprophecies stored with their Slack message: ${stored} (warm-up included)`);
  await db.close();
} finally {
  await bot.stop();
  await fake.close();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
}
process.exit(0);
