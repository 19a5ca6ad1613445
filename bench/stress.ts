// `npm run stress`: the oracle past one machine, measured in one run and printed. Two real bot
// processes (`oracle bot`) and a trainer process (`oracle trainer`) on one PostgreSQL database, on
// loopback with ephemeral ports; Discord's and Slack's servers are the tests' fakes (their real
// protocols, their signing helpers).
//   load       signed Slack /prophecy, signed Discord interactions and POST /api/prophecies, spread
//              over both bots: --rate/s open loop for --seconds, then --clients back to back
//              for --seconds, while the trainer trains; served, p50/p99, errors, zero lost
//   retrain    a Slack /retrain while loaded: handled once, announced once, promotion reaches both bots
//   reactions  --reactions add/remove events (Slack over HTTP to both bots, Discord's through the
//              serving core as the gateway handler calls it), 10 % duplicated, some out of order
//   faults     trainer SIGKILL mid-job; corrupt promoted model row; SQLite disk full (tmpfs);
//              PostgreSQL restarted during load (--pg-restart, on by default: THIS MACHINE'S CLUSTER)
//   fuzz       every command argument and API parameter with bad values; inputs counted
//
//   npm run stress -- [--seconds 60] [--rate 100] [--clients 50] [--reactions 10000] [--no-pg-restart]
//                     [--postgres postgresql://postgres@127.0.0.1:5432/postgres] [--corpus PATH]
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { Agent } from "node:http";
import { availableParallelism, cpus, loadavg, tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { loadConfig } from "../config/schema.ts";
import { openDatabase, type Db } from "../core/db/client.ts";
import { enqueueJob, getJob } from "../core/db/jobs.ts";
import { createModelVersion, currentModelVersion, getModelVersion, rollback } from "../core/db/model-versions.ts";
import { createLogger, silentLogger } from "../core/logger.ts";
import { createOracle } from "../core/oracle/oracle.ts";
import { initBackend } from "../core/tf/backend.ts";
import { trainVersion } from "../core/training/train-version.ts";
import { FakeDiscord, snowflake } from "../test/bot/discord/fake-discord.ts";
import { appKeys, signed } from "../test/bot/discord/signing.ts";
import { startFakeSlack } from "../test/bot/slack/fake-slack.ts";
import { commandBody, eventBody, SIGNING_SECRET, slackSignature } from "../test/bot/slack/signing.ts";
import { httpRequest } from "./http.ts";
import { quantile, round } from "./stats.ts";

const { values: args } = parseArgs({
  options: {
    seconds: { type: "string", default: "60" },
    rate: { type: "string", default: "100" },
    clients: { type: "string", default: "50" },
    reactions: { type: "string", default: "10000" },
    "no-pg-restart": { type: "boolean", default: false },
    postgres: { type: "string", default: "postgresql://postgres@127.0.0.1:5432/postgres" },
    corpus: { type: "string", default: path.resolve("../shared/corpus/quatrains.txt") },
    documents: { type: "string", default: "300" },
  },
});
const SECONDS = Number(args.seconds);
const RATE = Number(args.rate);
const CLIENTS = Number(args.clients);
const REACTIONS = Number(args.reactions);
const say = (line = "") => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");

// ---------- setup: database, slice corpus, first model, fakes ----------
const started = Date.now();
say(`stress — ${new Date().toISOString()}`);
say(
  `machine: ${availableParallelism()} cores (${cpus()[0]?.model ?? "?"}), load average ${loadavg()
    .map((x) => x.toFixed(2))
    .join(" ")}`,
);
say(
  `settings: ${SECONDS} s per load phase, ${RATE}/s open loop, ${CLIENTS} clients, ${REACTIONS} reaction events${SECONDS < 60 || REACTIONS < 10_000 ? " (SHORTENED run)" : ""}`,
);

const work = await mkdtemp(path.join(tmpdir(), "oracle-stress-"));
const slice = path.join(work, "slice.txt");
const lines = (await readFile(String(args.corpus), "utf8"))
  .split("\n")
  .filter(Boolean)
  .slice(0, Number(args.documents));
await writeFile(slice, `${lines.join("\n")}\n`);

const dbName = `oracle_stress_${process.pid}`;
const admin = new pg.Client({ connectionString: String(args.postgres) });
await admin.connect();
// The PostgreSQL restart below ends this connection too; the database is dropped on a fresh one.
admin.on("error", () => {});
await admin.query(`DROP DATABASE IF EXISTS ${dbName}`);
await admin.query(`CREATE DATABASE ${dbName}`);
const adminUrl = new URL(String(args.postgres));
adminUrl.pathname = `/${dbName}`;
const databaseUrl = adminUrl.toString();
// The script's own pool logs the restart's dropped connections; its figures come from the bots.
const log = createLogger("error", { name: "stress" });
const db: Db = await openDatabase(databaseUrl, { migrate: true, log });
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

// ---------- processes ----------
// A crash of this script must not leave bots and trainers running.
const children = new Set<ChildProcess>();
process.on("exit", () => {
  for (const c of children) c.kill("SIGKILL");
});
process.on("uncaughtException", (err) => {
  process.stderr.write(`${err.stack}\n`);
  process.exit(1);
});
interface Proc {
  name: string;
  child: ChildProcess;
  out: string[];
  url?: string;
  exited: Promise<number | null>;
}
function startProc(name: string, argv: string[], env: Record<string, string>): Proc {
  const child = spawn(process.execPath, [path.join(root, "bin/oracle.js"), ...argv], {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
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
    partial += d;
    const ls = partial.split("\n");
    partial = ls.pop()!;
    for (const l of ls) {
      // Command lines are many; keep what the report needs (warnings, models, listening).
      if (/"level":(40|50|60)|serving model|listening|job|lease|version|shutting/.test(l)) proc.out.push(l);
      const m = /"msg":"bot service listening on (http:\/\/[^"]+)"/.exec(l);
      if (m) proc.url = m[1];
    }
  };
  child.stdout!.on("data", take);
  child.stderr!.on("data", take);
  return proc;
}
const botEnv = {
  PORT: "0",
  BOT_HOST: "127.0.0.1",
  BOT_BACKEND: "wasm",
  BOT_MODEL_POLL_SECONDS: "1",
  BOT_RATE_LIMIT_PER_MINUTE: "0",
  WEB_RATE_LIMIT_PER_MINUTE: "100000",
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
let trainer = startProc("trainer", ["trainer"], trainerEnv);
for (const b of bots) {
  for (let i = 0; !b.url; i++) {
    if (i > 600 || b.child.exitCode !== null) throw new Error(`${b.name} did not start:\n${b.out.join("\n")}`);
    await sleep(100);
  }
}
const agent = new Agent({ keepAlive: true, maxSockets: 512 });

const http = (url: string, method: string, body: string | undefined, headers: Record<string, string>) =>
  httpRequest(agent, url, method, body, headers, 15_000);
const readyz = async (b: Proc) => {
  try {
    const r = await http(`${b.url}/readyz`, "GET", undefined, {});
    return { status: r.status, body: JSON.parse(r.text) as { ready: boolean; reason?: string; modelVersion?: number } };
  } catch (err) {
    return { status: 0, body: { ready: false, reason: (err as Error).message } };
  }
};
for (const b of bots) {
  for (let i = 0; (await readyz(b)).status !== 200; i++) {
    if (i > 300) throw new Error(`${b.name} never became ready`);
    await sleep(100);
  }
}
say(`bots: ${bots.map((b) => `${b.name} ${b.url}`).join(", ")}; trainer pid ${trainer.child.pid}`);

// Discord follow-ups of deferred answers, by interaction token.
const edits = new Map<string, (body: any) => void>();
discord.onRequest = (r) => {
  const m = r.method === "PATCH" && r.path.match(/^\/webhooks\/\d+\/([^/]+)\/messages\/@original$/);
  if (m) edits.get(m[1]!)?.(r.body);
};
const quatrainOfDiscord = (data: any): number | undefined => {
  const id = String(data?.embeds?.[0]?.footer?.text ?? "").match(/#(\d+)$/)?.[1];
  return id ? Number(id) : undefined;
};

// ---------- one request of each kind ----------
type Kind = "slack" | "discord" | "web";
interface Outcome {
  kind: Kind;
  ok: boolean;
  ms: number;
  id?: number;
  error?: string;
}
let requestCounter = 0;

async function slackProphecy(bot: Proc, text = "temperature:1.2"): Promise<Outcome> {
  const channel = `CS${++requestCounter}`;
  const body = commandBody(slack, "/prophecy", text, { channel, user: `U${requestCounter % 500}` });
  const ts = Math.floor(Date.now() / 1000);
  const posted = slack.waitFor("chat.postMessage", (c) => c.args.channel === channel, 20_000);
  posted.catch(() => {});
  const t = performance.now();
  try {
    const res = await http(`${bot.url}/slack/events`, "POST", body, {
      "content-type": "application/x-www-form-urlencoded",
      "x-slack-request-timestamp": String(ts),
      "x-slack-signature": slackSignature(body, ts),
    });
    if (res.status !== 200) return { kind: "slack", ok: false, ms: performance.now() - t, error: `HTTP ${res.status}` };
    const call = await posted;
    const id = JSON.stringify(call.args).match(/prophecy #(\d+)/)?.[1];
    return id
      ? { kind: "slack", ok: true, ms: call.at - t, id: Number(id) }
      : { kind: "slack", ok: false, ms: performance.now() - t, error: "post without prophecy" };
  } catch (err) {
    return { kind: "slack", ok: false, ms: performance.now() - t, error: (err as Error).message };
  }
}

async function discordProphecy(
  bot: Proc,
  options: { name: string; type: number; value: unknown }[] = [{ name: "temperature", type: 10, value: 1.2 }],
): Promise<Outcome & { raw?: any }> {
  const interaction = discord.commandInteraction("prophecy", options, { userId: snowflake() });
  const req = signed(keys, interaction);
  const t = performance.now();
  try {
    const res = await http(`${bot.url}/discord/interactions`, "POST", req.body, req.headers);
    if (res.status !== 200)
      return { kind: "discord", ok: false, ms: performance.now() - t, error: `HTTP ${res.status}` };
    const answer = JSON.parse(res.text) as { type: number; data?: any };
    if (answer.type === 4) {
      discord.setOriginal(interaction.token, answer.data);
      const id = answer.data?.flags & 64 ? undefined : quatrainOfDiscord(answer.data);
      return id
        ? { kind: "discord", ok: true, ms: performance.now() - t, id }
        : { kind: "discord", ok: false, ms: performance.now() - t, error: "no quatrain", raw: answer.data };
    }
    if (answer.type === 5) {
      discord.setOriginal(interaction.token, {});
      const body = await new Promise<any>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error("no follow-up in 15 s")), 15_000);
        edits.set(interaction.token, (b) => {
          clearTimeout(timer);
          resolve(b);
        });
      }).finally(() => edits.delete(interaction.token));
      const id = body?.flags & 64 ? undefined : quatrainOfDiscord(body);
      return id
        ? { kind: "discord", ok: true, ms: performance.now() - t, id }
        : { kind: "discord", ok: false, ms: performance.now() - t, error: "follow-up without quatrain", raw: body };
    }
    return { kind: "discord", ok: false, ms: performance.now() - t, error: `type ${answer.type}` };
  } catch (err) {
    return { kind: "discord", ok: false, ms: performance.now() - t, error: (err as Error).message };
  }
}

async function webProphecy(
  bot: Proc,
  body = JSON.stringify({ temperature: 1.2 }),
): Promise<Outcome & { status?: number }> {
  const t = performance.now();
  try {
    const res = await http(`${bot.url}/api/prophecies`, "POST", body, { "content-type": "application/json" });
    if (res.status !== 201)
      return { kind: "web", ok: false, ms: performance.now() - t, error: `HTTP ${res.status}`, status: res.status };
    return {
      kind: "web",
      ok: true,
      ms: performance.now() - t,
      id: (JSON.parse(res.text) as { id: number }).id,
      status: 201,
    };
  } catch (err) {
    return { kind: "web", ok: false, ms: performance.now() - t, error: (err as Error).message };
  }
}

const kinds: ((b: Proc) => Promise<Outcome>)[] = [slackProphecy, (b) => discordProphecy(b), (b) => webProphecy(b)];
const answered = new Set<number>();

function report(label: string, outcomes: Outcome[], seconds: number) {
  const ok = outcomes.filter((o) => o.ok);
  for (const o of ok) answered.add(o.id!);
  const ms = ok.map((o) => o.ms);
  const errors = outcomes.filter((o) => !o.ok);
  const byError = new Map<string, number>();
  for (const e of errors) byError.set(`${e.kind}: ${e.error}`, (byError.get(`${e.kind}: ${e.error}`) ?? 0) + 1);
  say(
    `${label}: ${outcomes.length} sent, ${ok.length} served (${round(ok.length / seconds, 1)}/s), p50 ${round(quantile(ms, 0.5), 1)} ms, p99 ${round(quantile(ms, 0.99), 1)} ms, max ${round(Math.max(0, ...ms), 1)} ms, errors ${errors.length}`,
  );
  for (const k of ["slack", "discord", "web"] as Kind[]) {
    const mine = ok.filter((o) => o.kind === k).map((o) => o.ms);
    say(
      `    ${k.padEnd(7)} ${mine.length} served, p50 ${round(quantile(mine, 0.5), 1)} ms, p99 ${round(quantile(mine, 0.99), 1)} ms`,
    );
  }
  for (const [e, n] of [...byError].slice(0, 8)) say(`    error ×${n}: ${e}`);
}

async function openLoop(rate: number, seconds: number): Promise<Outcome[]> {
  const pending: Promise<Outcome>[] = [];
  const start = performance.now();
  const total = Math.round(rate * seconds);
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    pending.push(kinds[i % 3]!(bots[Math.floor(i / 3) % 2]!));
  }
  return Promise.all(pending);
}

async function closedLoop(clients: number, seconds: number): Promise<Outcome[]> {
  const end = performance.now() + seconds * 1000;
  const all: Outcome[] = [];
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      for (let i = c; performance.now() < end; i++) all.push(await kinds[i % 3]!(bots[c % 2]!));
    }),
  );
  return all;
}

async function missingFromDb(ids: Iterable<number>): Promise<number[]> {
  const list = [...ids];
  const found = new Set<number>();
  for (let i = 0; i < list.length; i += 5000) {
    const rows = await db.prisma.prophecy.findMany({
      where: { id: { in: list.slice(i, i + 5000) } },
      select: { id: true },
    });
    for (const r of rows) found.add(r.id);
  }
  return list.filter((id) => !found.has(id));
}

// ---------- load while the trainer trains (a retrain asked from Slack) ----------
say();
say("== load (two bots, trainer training) ==");
const warm = await Promise.all(bots.flatMap((b) => kinds.map((k) => k(b))));
say(
  `warm-up: ${warm.filter((o) => o.ok).length}/${warm.length} served${
    warm.some((o) => !o.ok)
      ? ` (${warm
          .filter((o) => !o.ok)
          .map((o) => o.error)
          .join("; ")})`
      : ""
  }`,
);
const retrainBody = commandBody(slack, "/retrain", "stress: train while loaded", {
  channel: "CRETRAIN",
  user: "UADMIN",
});
const rts = Math.floor(Date.now() / 1000);
const retrainRes = await http(`${bots[0]!.url}/slack/events`, "POST", retrainBody, {
  "content-type": "application/x-www-form-urlencoded",
  "x-slack-request-timestamp": String(rts),
  "x-slack-signature": slackSignature(retrainBody, rts),
});
say(`/retrain from Slack via bot A: HTTP ${retrainRes.status}`);
const openOutcomes = await openLoop(RATE, SECONDS);
report(`open loop ${RATE}/s for ${SECONDS} s`, openOutcomes, SECONDS);
const jobsDuring = await db.prisma.trainingJob.findMany({ orderBy: { id: "asc" } });
say(`trainer during the run: ${jobsDuring.map((j) => `job ${j.id} ${j.state}`).join(", ")}`);

// Trainer SIGKILL mid-job, during the closed loop.
const killJob = await db.prisma.trainingJob
  .create({ data: { requestedBy: "stress", reason: "killed mid-job", state: "queued" } })
  .catch(async () => null);
const closedPromise = closedLoop(CLIENTS, SECONDS);
let killed = "no job running to kill";
if (killJob) {
  for (let i = 0; i < 600; i++) {
    const j = await getJob(db, killJob.id);
    if (j?.state === "running") break;
    await sleep(100);
  }
  await sleep(1500);
  const before = await getJob(db, killJob.id);
  if (before?.state === "running") {
    trainer.child.kill("SIGKILL");
    await trainer.exited;
    killed = `trainer SIGKILLed with job ${killJob.id} running`;
    trainer = startProc("trainer 2", ["trainer"], trainerEnv);
  }
}
const closedOutcomes = await closedPromise;
report(`closed loop ${CLIENTS} clients for ${SECONDS} s`, closedOutcomes, SECONDS);
say(`fault: ${killed}`);
if (killJob) {
  let j = await getJob(db, killJob.id);
  for (let i = 0; i < 1200 && j && !["succeeded", "rejected", "failed", "cancelled"].includes(j.state); i++) {
    await sleep(250);
    j = await getJob(db, killJob.id);
  }
  say(
    `    job ${killJob.id} afterwards: ${j?.state} after ${j?.attempts} attempt(s)${j?.error ? ` (${j.error})` : ""}; the bots served ${closedOutcomes.filter((o) => o.ok).length}/${closedOutcomes.length} meanwhile`,
  );
}

// Retrain handled once, announced once; the promotion reaches both bots.
const jobs = await db.prisma.trainingJob.findMany({ orderBy: { id: "asc" } });
const chatJobs = jobs.filter((j) => j.surface === "slack");
const announcements = slack.callsOf("chat.postMessage").filter((c) => c.args.channel === "CRETRAIN");
const current = await currentModelVersion(db);
await sleep(2500);
const served = await Promise.all(bots.map(readyz));
say(
  `retrain: ${chatJobs.length} job(s) from chat (${chatJobs.map((j) => `${j.state}, ${j.attempts} attempt(s)`).join("; ")}), announced ${announcements.length} time(s); current v${current?.version}; bots serve ${served.map((s) => `v${s.body.modelVersion}`).join(" and ")}`,
);
const missing = await missingFromDb(answered);
say(
  `zero lost: ${answered.size} answered prophecies, ${missing.length} missing from the database${missing.length ? ` (e.g. ${missing.slice(0, 5).join(", ")})` : ""}`,
);
const dupes = await db.prisma.$queryRawUnsafe<{ n: bigint }[]>(
  `SELECT count(*) AS n FROM (SELECT "messageRef" FROM "Prophecy" WHERE "messageRef" IS NOT NULL GROUP BY "messageRef" HAVING count(*) > 1) d`,
);
say(`handled twice: ${Number(dupes[0]!.n)} message(s) attached to more than one prophecy`);

// ---------- reactions ----------
say();
say("== reactions ==");
{
  // Slack prophecies posted during the load are the messages reacted to (channel/ts known to the fake).
  const posts = slack
    .callsOf("chat.postMessage")
    .filter((c) => /prophecy #\d+/.test(JSON.stringify(c.args)))
    .slice(0, 200);
  const slackTargets = await Promise.all(
    posts.map(async (c) => {
      const id = Number(JSON.stringify(c.args).match(/prophecy #(\d+)/)![1]);
      const row = await db.prisma.prophecy.findUnique({ where: { id }, select: { messageRef: true } });
      return { id, ref: row?.messageRef ?? null };
    }),
  );
  const slackReady = slackTargets.filter((t) => t.ref);
  const discordRows = await db.prisma.prophecy.findMany({
    where: { surface: "discord", messageRef: { not: null } },
    select: { id: true, messageRef: true, channel: true },
    take: 200,
  });
  const emojis = ["fire", "skull", "crystal_ball", "+1"];
  interface Ev {
    platform: "slack" | "discord";
    id: number;
    ref: string;
    channel: string | null;
    user: string;
    emoji: string;
    added: boolean;
    at: number;
  }
  const events: Ev[] = [];
  const expected = new Map<string, boolean>();
  let clock = Date.now() - 3_600_000;
  const base = Math.round(REACTIONS / 1.1);
  for (let i = 0; events.length < base; i++) {
    const onSlack = i % 2 === 0 && slackReady.length > 0;
    const t = onSlack ? slackReady[i % slackReady.length]! : discordRows[i % Math.max(1, discordRows.length)]!;
    if (!t) break;
    const user = `U${i % 37}`;
    const emoji = emojis[i % emojis.length]!;
    // A short add/remove history per key, later events later in time.
    const n = 1 + (i % 3);
    for (let k = 0; k < n && events.length < base; k++) {
      clock += 7;
      const ref = onSlack ? (t as { ref: string }).ref : (t as { messageRef: string }).messageRef;
      const ev: Ev = {
        platform: onSlack ? "slack" : "discord",
        id: t.id,
        ref,
        channel: (t as { channel?: string | null }).channel ?? ref.split("/")[0]!,
        user,
        emoji,
        added: k % 2 === 0,
        at: clock,
      };
      events.push(ev);
      expected.set(`${ev.platform}|${ev.id}|${user}|${emoji}`, ev.added);
    }
  }
  // 10 % duplicated (retries); some delivered out of order (adjacent swaps).
  const stream = [...events];
  for (let i = 0; i < events.length / 10; i++)
    stream.splice(Math.floor(Math.random() * stream.length), 0, events[Math.floor(Math.random() * events.length)]!);
  let swapped = 0;
  for (let i = 0; i + 1 < stream.length; i += 13) {
    [stream[i], stream[i + 1]] = [stream[i + 1]!, stream[i]!];
    swapped++;
  }
  const coreOracle = createOracle({
    db,
    config: loadConfig({}, { database: { url: databaseUrl }, log: { level: "silent" } }),
    log: silentLogger,
  });
  let sent = 0;
  let failures = 0;
  const tr = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async (_, w) => {
      while (next < stream.length) {
        const ev = stream[next++]!;
        try {
          if (ev.platform === "slack") {
            const [channel, ts] = ev.ref.split("/");
            const body = eventBody({
              type: ev.added ? "reaction_added" : "reaction_removed",
              user: ev.user,
              reaction: ev.emoji,
              item: { type: "message", channel, ts },
              item_user: "UBOT",
              event_ts: (ev.at / 1000).toFixed(3),
            });
            const now = Math.floor(Date.now() / 1000);
            const r = await http(`${bots[w % 2]!.url}/slack/events`, "POST", body, {
              "content-type": "application/json",
              "x-slack-request-timestamp": String(now),
              "x-slack-signature": slackSignature(body, now),
            });
            if (r.status !== 200) failures++;
          } else {
            await coreOracle.recordReaction({
              platform: "discord",
              messageRef: ev.ref,
              channel: ev.channel,
              userId: ev.user,
              emoji: ev.emoji,
              added: ev.added,
              at: new Date(ev.at),
            });
          }
          sent++;
        } catch {
          failures++;
        }
      }
    }),
  );
  const seconds = (performance.now() - tr) / 1000;
  const wantPerProphecy = new Map<number, number>();
  for (const [key, present] of expected) {
    const id = Number(key.split("|")[1]);
    wantPerProphecy.set(id, (wantPerProphecy.get(id) ?? 0) + (present ? 1 : 0));
  }
  // Slack events are acknowledged before they are applied: wait for the counts to settle.
  let wrong = -1;
  for (let i = 0; i < 40 && wrong !== 0; i++) {
    await sleep(250);
    const rows = await db.prisma.prophecy.findMany({
      where: { id: { in: [...wantPerProphecy.keys()] } },
      select: { id: true, reactionCount: true },
    });
    wrong = rows.filter((r) => r.reactionCount !== wantPerProphecy.get(r.id)).length;
  }
  const presentRows = await db.prisma.reaction.count({ where: { present: true } });
  const wantPresent = [...expected.values()].filter(Boolean).length;
  say(
    `${stream.length} events sent (${events.length} distinct, ${stream.length - events.length} duplicates, ${swapped} adjacent pairs swapped; slack over HTTP to both bots: ${stream.filter((e) => e.platform === "slack").length}, discord through the serving core: ${stream.filter((e) => e.platform === "discord").length}) in ${round(seconds, 1)} s, ${failures} failed`,
  );
  say(
    `counts: ${wantPerProphecy.size} prophecies, ${wrong} with a reactionCount other than expected; present reactions ${presentRows} (expected ${wantPresent})`,
  );
  await coreOracle.close();
}

// ---------- fault: corrupt promoted model row ----------
say();
say("== fault: corrupt model row promoted ==");
{
  const good = (await currentModelVersion(db))!.version;
  const full = (await getModelVersion(db, good, { withWeights: true, withCorpusIds: true }))!;
  const bad = await createModelVersion(
    db,
    {
      trainingStartedAt: new Date(),
      trainingFinishedAt: new Date(),
      status: "accepted",
      topology: full.topology as any,
      weightSpecs: full.weightSpecs as any,
      weights: full.weights!.slice(0, Math.floor(full.weights!.length / 3)),
      vocabulary: full.vocabulary,
      casing: full.casing,
      hyperParams: full.hyperParams as any,
      corpusIds: full.corpusIds!,
      corpusSha256: full.corpusSha256,
      corpusDocuments: full.corpusDocuments,
      gloveSource: full.gloveSource,
      gloveCoverage: full.gloveCoverage,
      backend: full.backend,
      epochs: full.epochs,
      loss: full.loss,
      valLoss: full.valLoss,
      valAcc: full.valAcc,
    },
    { promote: { by: "stress", reason: "corrupt on purpose" } },
  );
  await sleep(3500);
  const states = await Promise.all(bots.map(readyz));
  const probe = await Promise.all(bots.map((b) => webProphecy(b)));
  for (const o of probe) if (o.ok) answered.add(o.id!);
  const why = bots.map(
    (b) =>
      b.out
        .filter((l) => l.includes(`"version":${bad}`) && /"level":(40|50)/.test(l))
        .map((l) => JSON.parse(l) as { msg: string; err?: string | { message?: string } })
        .map(
          (e) => `${e.msg}: ${String(typeof e.err === "string" ? e.err : (e.err?.message ?? "")).split("\n")[0]}`,
        )[0] ?? "(nothing logged)",
  );
  say(
    `promoted v${bad} with weights truncated to a third; bots serve ${states.map((s) => `v${s.body.modelVersion}`).join(" and ")} (previous: v${good}); prophecies ${probe.filter((o) => o.ok).length}/${probe.length} served`,
  );
  say(`    logged: ${why[0]}`);
  await rollback(db, "stress");
}

// ---------- fault: SQLite disk full ----------
say();
say("== fault: SQLite disk full (4 MB tmpfs) ==");
{
  const mnt = path.join(work, "tmpfs");
  spawnSync("mkdir", ["-p", mnt]);
  const mounted = spawnSync("mount", ["-t", "tmpfs", "-o", "size=4m", "tmpfs", mnt]);
  if (mounted.status !== 0) say(`skipped: cannot mount a tmpfs here (${mounted.stderr.toString().trim()})`);
  else {
    try {
      const url = `file:${path.join(mnt, "full.db")}`;
      let sdb = await openDatabase(url, { migrate: true, log: silentLogger });
      let written = 0;
      let error = "";
      const text = "x".repeat(20_000);
      for (let i = 0; i < 10_000; i++) {
        try {
          // Job rows need no model version; each carries a 20 kB reason, so the disk fills in ~200 rows.
          await enqueueJob(sdb, { requestedBy: `stress-${i}`, reason: text });
          written++;
        } catch (err) {
          error = (err as Error).message.split("\n").filter(Boolean).slice(-1)[0] ?? String(err);
          break;
        }
      }
      await sdb.close();
      sdb = await openDatabase(url, { log: silentLogger });
      const rows = await sdb.prisma.trainingJob.count();
      const check = await sdb.prisma.$queryRawUnsafe<{ integrity_check: string }[]>("PRAGMA integrity_check");
      await sdb.close();
      say(`${written} rows written, then: ${error || "(no error?)"}`);
      say(`    reopened: ${rows} rows (expected ${written}), integrity_check ${check[0]?.integrity_check}`);
    } finally {
      spawnSync("umount", [mnt]);
    }
  }
}

// ---------- fuzz ----------
say();
say("== fuzz: every command argument and API parameter ==");
{
  const nasty: unknown[] = [
    "abc",
    "NaN",
    "Infinity",
    "-Infinity",
    "-1",
    "-0",
    "0",
    "1e308",
    "99999999999999999999",
    "0x10",
    "1,5",
    " ",
    "",
    "\u0000",
    "\u0007\u001b[31m",
    "x".repeat(100_000),
    '\'; DROP TABLE "Prophecy"; --',
    '" OR 1=1 --',
    "<script>alert(1)</script>",
    "@everyone",
    "<!channel>",
    "zzzqqxunknownword",
    "\ud800",
    "\udfff\ud800",
    "🔥".repeat(300),
    "fire\u202eerif",
    "../../etc/passwd",
    "%00",
    "{{7*7}}",
    NaN,
    Infinity,
    -Infinity,
    -5,
    1e308,
    3,
    -0.0001,
    2.0001,
    null,
    true,
    [],
    {},
    [1, 2],
    { a: { b: { c: [] } } },
  ];
  const deep = (n: number): unknown => (n === 0 ? 1 : { a: deep(n - 1) });
  const deepArr = "[".repeat(5000) + "]".repeat(5000);
  const before = await db.prisma.prophecy.count();
  let tried = 0;
  let serverErrors = 0;
  let accepted = 0;
  const statuses = new Map<number, number>();
  const note = (status: number) => {
    tried++;
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
    if (status >= 500 || status === 0) serverErrors++;
  };
  const b = () => bots[tried % 2]!;
  // Web API: POST body fields, raw bodies, query parameters, path parameters.
  for (const v of nasty) {
    for (const field of ["temperature", "about", "count", "unknown"]) {
      const r = await webProphecy(b(), JSON.stringify({ [field]: v }));
      note(r.status ?? 0);
      if (r.ok) accepted++;
    }
  }
  const invalidUtf8 = Buffer.from([
    0x7b, 0x22, 0x61, 0x62, 0x6f, 0x75, 0x74, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc3, 0x28, 0x22, 0x7d,
  ]).toString("latin1");
  for (const raw of [
    deepArr,
    JSON.stringify(deep(3000)),
    "{",
    "null",
    "[]",
    '"x"',
    "1",
    invalidUtf8,
    '{"temperature":1e999}',
    "x".repeat(200_000),
  ]) {
    const r = await webProphecy(b(), raw);
    note(r.status ?? 0);
    if (r.ok) accepted++;
  }
  for (const v of nasty.filter((x) => typeof x === "string" || typeof x === "number")) {
    let q: string;
    try {
      q = encodeURIComponent(String(v));
    } catch {
      q = "%ED%A0%80";
    } // a lone surrogate, as raw bytes
    for (const p of [
      `/api/prophecies?cursor=${q}`,
      `/api/prophecies?sort=${q}`,
      `/api/prophecies?limit=${q}`,
      `/api/prophecies?q=${q}`,
      `/api/prophecies/${q}`,
      `/api/words?prefix=${q}`,
      `/api/words?prefix=a&limit=${q}`,
      `/p/${q}`,
      `/?cursor=${q}`,
    ]) {
      try {
        note((await http(`${b().url}${p}`, "GET", undefined, {})).status);
      } catch {
        note(0);
      }
    }
  }
  // Slack /prophecy text and /retrain reason (non-admin).
  for (const v of nasty.filter((x) => typeof x === "string" || typeof x === "number")) {
    for (const text of [String(v), `temperature:${String(v)}`, `about:${String(v)}`, `${String(v)} 0.8`]) {
      const body = commandBody(slack, "/prophecy", text.slice(0, 4000), { channel: `CFUZZ${tried}`, user: "UFUZZ" });
      const ts = Math.floor(Date.now() / 1000);
      try {
        const r = await http(`${b().url}/slack/events`, "POST", body, {
          "content-type": "application/x-www-form-urlencoded",
          "x-slack-request-timestamp": String(ts),
          "x-slack-signature": slackSignature(body, ts),
        });
        note(r.status);
      } catch {
        note(0);
      }
    }
  }
  // Discord options: temperature (number) and about (string) with any value, unknown options.
  for (const v of nasty) {
    for (const opts of [
      [{ name: "temperature", type: 10, value: v }],
      [{ name: "about", type: 3, value: v }],
      [{ name: "bogus", type: 3, value: v }],
    ]) {
      const r = await discordProphecy(b(), opts);
      note(r.error?.startsWith("HTTP ") ? Number(r.error.slice(5)) : 200);
      if (r.ok) accepted++;
    }
  }
  await sleep(3000);
  const slackPostedFuzz = slack
    .callsOf("chat.postMessage")
    .filter((c) => String(c.args.channel).startsWith("CFUZZ") && /prophecy #\d+/.test(JSON.stringify(c.args))).length;
  const after = await db.prisma.prophecy.count();
  const alive = await Promise.all(
    bots.map((x) =>
      http(`${x.url}/healthz`, "GET", undefined, {}).then(
        (r) => r.status,
        () => 0,
      ),
    ),
  );
  say(
    `${tried} inputs tried; statuses ${[...statuses]
      .sort((a, c) => a[0] - c[0])
      .map(([s, n]) => `${s}×${n}`)
      .join(", ")}; ${serverErrors} server errors (5xx or no answer)`,
  );
  say(
    `    prophecies written ${after - before}, answered as prophecies ${accepted + slackPostedFuzz} (nothing written beyond what was answered: ${after - before === accepted + slackPostedFuzz ? "yes" : "NO"}); bots alive: ${alive.join(", ")}`,
  );
}

// ---------- fault: PostgreSQL restart during load ----------
if (!args["no-pg-restart"]) {
  say();
  say("== fault: PostgreSQL restarted during load ==");
  say(
    "WARNING: restarting this machine's PostgreSQL cluster (pg_ctlcluster 15 main restart); other tests using it may see one dropped connection",
  );
  answered.clear();
  const watch: { t: number; bot: number; ready: boolean }[] = [];
  let watching = true;
  const watcher = (async () => {
    while (watching) {
      const s = await Promise.all(bots.map(readyz));
      s.forEach((r, i) => watch.push({ t: Date.now(), bot: i, ready: r.status === 200 }));
      await sleep(100);
    }
  })();
  const loadSeconds = Math.max(10, Math.min(SECONDS, 20));
  const load = openLoop(Math.min(RATE, 50), loadSeconds);
  await sleep(3000);
  const tRestart = Date.now();
  const restart = spawnSync("pg_ctlcluster", ["--skip-systemctl-redirect", "15", "main", "restart"], {
    encoding: "utf8",
  });
  say(
    `restart: exit ${restart.status} in ${Date.now() - tRestart} ms${restart.stderr ? ` (${restart.stderr.trim()})` : ""}`,
  );
  const outcomes = await load;
  await sleep(3000);
  watching = false;
  await watcher;
  report(`open loop ${Math.min(RATE, 50)}/s for ${loadSeconds} s across the restart`, outcomes, loadSeconds);
  for (const i of [0, 1]) {
    const mine = watch.filter((w) => w.bot === i && w.t >= tRestart);
    const down = mine.filter((w) => !w.ready);
    const back = mine.find((w, k) => k > 0 && w.ready && !mine[k - 1]!.ready);
    say(
      `    ${bots[i]!.name}: not ready for ${down.length} probe(s)${back ? `, ready again ${back.t - tRestart} ms after the restart began` : ""}; ready at the end: ${mine.at(-1)?.ready}`,
    );
  }
  const lost = await missingFromDb(answered);
  say(`    answered ${answered.size}, missing from the database ${lost.length}`);
}

// ---------- shutdown ----------
say();
const tStop = Date.now();
for (const p of [...bots, trainer]) p.child.kill("SIGTERM");
const codes = await Promise.all([...bots, trainer].map((p) => p.exited));
say(
  `SIGTERM: ${[...bots, trainer].map((p, i) => `${p.name} exit ${codes[i]}`).join(", ")} within ${Date.now() - tStop} ms`,
);
await db.close();
await discord.close();
await slack.close();
agent.destroy();
await admin.end().catch(() => {});
const dropper = new pg.Client({ connectionString: String(args.postgres) });
await dropper.connect();
await dropper.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => {});
await dropper.end();
await rm(work, { recursive: true, force: true });
say(`total ${round((Date.now() - started) / 1000, 1)} s`);
process.exit(0);
