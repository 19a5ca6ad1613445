// The Discord HTTP endpoint under load: signed /prophecy interactions to POST /discord/interactions
// of the real bot service on loopback (Discord's REST side is the tests' local fake), against a model
// trained on the full corpus. Two runs: open loop (arrivals on a fixed schedule, not waiting for
// answers) and closed loop (N clients back to back). Latency is to the response that carries the
// quatrain: the HTTP answer (type 4), or the edit of a deferral (type 5) reaching the fake REST.
//
//   npm run bench -- --discord [--rate 100] [--seconds 30] [--clients 50] [--epochs 1] [--database URL]
//
// Without --database it trains a model on the full corpus (--epochs, default 1) into a scratch SQLite
// database under data/ (kept: later runs reuse its model).
import { spawn } from "node:child_process";
import { Agent } from "node:http";
import { mkdir, writeFile } from "node:fs/promises";
import { availableParallelism, cpus, loadavg } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { loadConfig } from "../config/schema.ts";
import { openDatabase } from "../core/db/client.ts";
import { currentModelVersion } from "../core/db/model-versions.ts";
import { createLogger } from "../core/logger.ts";
import { initBackend } from "../core/tf/backend.ts";
import { trainVersion } from "../core/training/train-version.ts";
import { FakeDiscord, snowflake } from "../test/bot/discord/fake-discord.ts";
import { appKeys, signed } from "../test/bot/discord/signing.ts";
import { httpRequest } from "./http.ts";
import { quantile, round } from "./stats.ts";

/** What the bench reads of a message the bot sends (an answer or a deferral's edit). */
type MessageData = { content?: string; embeds?: { description?: string; footer?: { text?: string } }[] };

export async function discordBench(argv: string[]): Promise<void> {
  const { values: args } = parseArgs({
    args: argv,
    strict: false,
    options: {
      rate: { type: "string", default: "100" },
      seconds: { type: "string", default: "30" },
      clients: { type: "string", default: "50" },
      epochs: { type: "string", default: "1" },
      database: { type: "string" },
      corpus: { type: "string" },
      out: { type: "string" },
    },
  });
  const rate = Number(args.rate);
  const seconds = Number(args.seconds);
  const clients = Number(args.clients);
  const say = (line: string) => process.stdout.write(`${line}\n`);
  const started = new Date();
  const base = loadConfig(process.env);
  const log = createLogger("warn", { name: "bench" });
  const databaseUrl = (args.database as string | undefined) ?? `file:${path.resolve("data/bench-discord.db")}`;
  await mkdir("data", { recursive: true });

  say(`Discord endpoint bench — ${started.toISOString()}`);
  say(
    `machine: ${availableParallelism()} cores (${cpus()[0]?.model ?? "?"}), load average ${loadavg()
      .map((x) => x.toFixed(2))
      .join(" ")}`,
  );

  // A model on the full corpus: reuse the database's current one, or train one now.
  const setupDb = await openDatabase(databaseUrl, { log });
  let current = await currentModelVersion(setupDb);
  if (!current) {
    const config = loadConfig(process.env, {
      database: { url: databaseUrl },
      training: { epochs: Number(args.epochs) },
      ...(args.corpus ? { corpus: { path: String(args.corpus) } } : {}),
    });
    await initBackend({ preference: config.training.backend }, log);
    say(`training a model on the full corpus (${config.corpus.path}), ${args.epochs} epoch(s)…`);
    const t0 = performance.now();
    await trainVersion({ db: setupDb, config, log }, {});
    say(`  trained in ${round((performance.now() - t0) / 1000, 1)} s`);
    current = await currentModelVersion(setupDb);
  }
  const epochs = current!.epochs.length;
  say(
    `model: v${current!.version} (${epochs ?? "?"} epoch(s) on ${current!.corpusDocuments} quatrains, val loss ${round(current!.valLoss, 3)})`,
  );

  const fake = await new FakeDiscord().start();
  fake.keepRequests = false;
  const keys = appKeys();
  // The bot in its own process (`oracle bot`), as deployed, so the load generator does not share its event loop.
  // No rate limit: every request comes from a new user anyway.
  const bot = startBot({
    ...process.env,
    DATABASE_URL: databaseUrl,
    PORT: "0",
    BOT_HOST: "127.0.0.1",
    LOG_LEVEL: "info",
    DISCORD_PUBLIC_KEY: keys.publicKeyHex,
    DISCORD_APPLICATION_ID: fake.applicationId,
    DISCORD_API_URL: fake.apiUrl,
    BOT_RATE_LIMIT_PER_MINUTE: "0",
    CORPUS_PATH: base.corpus.path,
  });
  const endpoint = new URL(`${await bot.url}/discord/interactions`);
  // What the bot logged as errors, by message.
  const botErrors = () => {
    const counts = new Map<string, number>();
    for (const l of bot.output().split("\n")) {
      if (!l.includes('"level":50')) continue;
      const e = JSON.parse(l) as { msg?: string; err?: { message?: string } };
      const key = `${e.msg}: ${e.err?.message ?? ""}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return [...counts].map(([k, n]) => `${n}× ${k}`).join("; ") || "none";
  };
  const agent = new Agent({ keepAlive: true, maxSockets: Math.max(clients, 256) });

  // Follow-ups of deferred answers, by interaction token.
  const edits = new Map<string, (body: MessageData) => void>();
  fake.onRequest = (r) => {
    const m = r.method === "PATCH" && r.path.match(/^\/webhooks\/\d+\/([^/]+)\/messages\/@original$/);
    if (m) edits.get(m[1])?.(r.body);
  };

  interface Outcome {
    ok: boolean;
    ms: number;
    prophecyId?: number;
    error?: string;
    deferred?: boolean;
  }

  const post = (body: string, headers: Record<string, string>) =>
    httpRequest(agent, endpoint.href, "POST", body, headers, 10_000);

  const quatrainOf = (data: MessageData | undefined): number | undefined => {
    const lines = String(data?.embeds?.[0]?.description ?? "").split("\n");
    const id = String(data?.embeds?.[0]?.footer?.text ?? "").match(/#(\d+)$/)?.[1];
    return lines.length === 4 && id ? Number(id) : undefined;
  };

  async function one(): Promise<Outcome> {
    const interaction = fake.commandInteraction("prophecy", [{ name: "temperature", type: 10, value: 1.2 }], {
      userId: snowflake(),
    });
    const req = signed(keys, interaction);
    const t0 = performance.now();
    try {
      const res = await post(req.body, req.headers);
      if (res.status !== 200) return { ok: false, ms: performance.now() - t0, error: `HTTP ${res.status}` };
      const answer = JSON.parse(res.text) as { type: number; data?: MessageData };
      if (answer.type === 4) {
        // What Discord would do with it: the message exists, the bot can look it up.
        fake.setOriginal(interaction.token, answer.data ?? {});
        const id = quatrainOf(answer.data);
        if (id) return { ok: true, ms: performance.now() - t0, prophecyId: id };
        const busy = /many questions at once/.test(String(answer.data?.content));
        return { ok: false, ms: performance.now() - t0, error: busy ? "busy (shed at once)" : "no quatrain" };
      }
      if (answer.type === 5) {
        fake.setOriginal(interaction.token, {});
        const body = await new Promise<MessageData>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error("no follow-up in 15 s")), 15_000);
          edits.set(interaction.token, (b) => {
            clearTimeout(timer);
            resolve(b);
          });
        }).finally(() => edits.delete(interaction.token));
        const id = quatrainOf(body);
        return id
          ? { ok: true, ms: performance.now() - t0, prophecyId: id, deferred: true }
          : { ok: false, ms: performance.now() - t0, error: "follow-up without quatrain" };
      }
      return { ok: false, ms: performance.now() - t0, error: `response type ${answer.type}` };
    } catch (err) {
      return { ok: false, ms: performance.now() - t0, error: (err as Error).message };
    }
  }

  function summarize(name: string, outcomes: Outcome[], wallSeconds: number) {
    const ok = outcomes.filter((o) => o.ok);
    const ms = ok.map((o) => o.ms).sort((a, b) => a - b);
    const errors = outcomes.length - ok.length;
    const kinds = new Map<string, number>();
    for (const o of outcomes) if (!o.ok) kinds.set(o.error!, (kinds.get(o.error!) ?? 0) + 1);
    const errorKinds = [...kinds].map(([k, n]) => `${n}× ${k}`);
    const s = {
      name,
      sent: outcomes.length,
      served: ok.length,
      errors,
      deferred: ok.filter((o) => o.deferred).length,
      throughputPerSecond: round(ok.length / wallSeconds, 1),
      p50ms: round(quantile(ms, 0.5), 1),
      p99ms: round(quantile(ms, 0.99), 1),
      maxMs: round(ms.at(-1) ?? NaN, 1),
      errorKinds,
    };
    say(
      `${name}: sent ${s.sent}, served ${s.served} (${s.deferred} deferred), errors ${errors}${errorKinds.length ? ` (${errorKinds.join("; ")})` : ""}, ` +
        `${s.throughputPerSecond}/s, p50 ${s.p50ms} ms, p99 ${s.p99ms} ms, max ${s.maxMs} ms`,
    );
    return s;
  }

  // Warm-up: the model loads on first use.
  for (let i = 0; i < 20; i++) await one();

  say(`\nopen loop: ${rate} requests/s for ${seconds} s (arrivals do not wait for answers)`);
  const openOutcomes: Promise<Outcome>[] = [];
  const t0 = performance.now();
  const total = Math.round(rate * seconds);
  for (let i = 0; i < total; i++) {
    const due = t0 + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    openOutcomes.push(one());
  }
  const openResults = await Promise.all(openOutcomes);
  const open = summarize("open loop", openResults, (performance.now() - t0) / 1000);
  say(`  goal p99 ≤ 50 ms at ${rate}/s: ${open.p99ms <= 50 && open.errors === 0 ? "✓ met" : "✗ missed"}`);

  // Let the bot finish what the open loop left before the next run starts.
  await new Promise((r) => setTimeout(r, 3_000));
  say(`\nclosed loop: ${clients} clients back to back for ${seconds} s`);
  const closedResults: Outcome[] = [];
  const t1 = performance.now();
  const end = t1 + seconds * 1000;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < end) closedResults.push(await one());
    }),
  );
  const closed = summarize("closed loop", closedResults, (performance.now() - t1) / 1000);
  say(`  goal zero errors at ${clients} clients: ${closed.errors === 0 ? "✓ met" : "✗ missed"}`);

  // Every answered prophecy must be in the database.
  const answered = [...openResults, ...closedResults].flatMap((o) => (o.prophecyId ? [o.prophecyId] : []));
  let stored = 0;
  for (let i = 0; i < answered.length; i += 500) {
    stored += await setupDb.prisma.prophecy.count({
      where: { id: { in: answered.slice(i, i + 500) }, surface: "discord" },
    });
  }
  say(
    `\nanswered prophecies in the database: ${stored} of ${answered.length} ${stored === answered.length ? "✓" : "✗"}`,
  );

  say(`bot errors logged: ${botErrors()}`);
  bot.child.kill("SIGTERM");
  const exit = await bot.exited;
  say(`bot exit on SIGTERM: ${exit.code}`);
  await fake.close();
  agent.destroy();
  await setupDb.close();

  const out = path.resolve(
    (args.out as string | undefined) ??
      path.join(import.meta.dirname, "results", `discord-bench-${started.toISOString().replace(/[:.]/g, "-")}.json`),
  );
  await mkdir(path.dirname(out), { recursive: true });
  await writeFile(
    out,
    `${JSON.stringify({ started, model: { version: current!.version, epochs }, open, closed, answered: answered.length, stored }, null, 2)}\n`,
  );
  say(`figures written to ${out}`);
}

if (import.meta.url === `file://${process.argv[1]}`) await discordBench(process.argv.slice(2));

/** `oracle bot` as a child process; resolves its URL from the "listening" log line. */
function startBot(env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, [path.resolve(import.meta.dirname, "../bin/oracle.js"), "bot"], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  let partial = "";
  const exited = new Promise<{ code: number | null }>((resolve) => child.on("exit", (code) => resolve({ code })));
  const url = new Promise<string>((resolve, reject) => {
    const take = (d: Buffer) => {
      output += d.toString();
      partial += d.toString();
      const lines = partial.split("\n");
      partial = lines.pop()!;
      for (const l of lines) {
        if (!l.includes("bot service listening")) continue;
        const u = (JSON.parse(l) as { url?: string }).url;
        if (u) resolve(u);
      }
    };
    child.stdout.on("data", take);
    child.stderr.on("data", take);
    void exited.then(({ code }) =>
      reject(new Error(`oracle bot exited (${code}) before listening:\n${output.slice(-2000)}`)),
    );
  });
  return { child, url, exited, output: () => output };
}
