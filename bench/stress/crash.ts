// The fault round of issue 18, counted: a bot SIGKILLed at random moments of a Slack burst and
// restarted (acknowledged commands lost, posts left without their link, posts made twice), replays
// of signed requests (run once), and databases turned read-only or deleted under running bots
// (seconds until every request is answered 503, and nothing written meanwhile).
import { spawnSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { openDatabase, type Db } from "../../core/db/client.ts";
import { createModelVersion, currentModelVersion, getModelVersion } from "../../core/db/model-versions.ts";
import { silentLogger } from "../../core/logger.ts";
import { snowflake } from "../../test/bot/discord/fake-discord.ts";
import { signed } from "../../test/bot/discord/signing.ts";
import { commandBody, eventBody, slackSignature } from "../../test/bot/slack/signing.ts";
import { round } from "../stats.ts";
import type { Proc, Stress } from "./setup.ts";

const NOBODY = 65534;
const asRoot = process.getuid?.() === 0;

export async function crashScenario(
  s: Stress,
): Promise<{ lost: number; unlinked: number; replaysRunTwice: number; slowest503Ms: number }> {
  s.say();
  s.say(`== faults: kill -9 during Slack bursts (${s.args.crashes}×), replays, read-only and deleted databases ==`);
  const killed = await killDuringBursts(s);
  const replays = await replayRound(s);
  const databases = await databaseRound(s);
  return { ...killed, replaysRunTwice: replays, slowest503Ms: databases };
}

function signedCommand(s: Stress, channel: string, user: string) {
  const body = commandBody(s.slack, "/prophecy", "t=1", { channel, user });
  const ts = Math.floor(Date.now() / 1000);
  const responseId = new URLSearchParams(body).get("response_url")!.split("/").pop()!;
  return {
    body,
    responseId,
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      "x-slack-request-timestamp": String(ts),
      "x-slack-signature": slackSignature(body, ts),
    },
  };
}

/** Bursts of Slack commands to a bot killed (SIGKILL) at a random moment of each, then restarted. */
async function killDuringBursts(s: Stress): Promise<{ lost: number; unlinked: number }> {
  const BURST = 10;
  const acked: { channel: string; responseId: string }[] = [];
  const moments: number[] = [];
  let victim: Proc = s.startProc("bot C", ["bot"], s.botEnv);
  await s.waitListening(victim);
  const t0 = Date.now();
  for (let k = 0; k < s.args.crashes; k++) {
    const moment = Math.round(Math.random() * 400);
    moments.push(moment);
    const url = victim.url!;
    const killer = s.sleep(moment).then(() => victim.child.kill("SIGKILL"));
    await Promise.all([
      killer,
      ...Array.from({ length: BURST }, async (_, i) => {
        await s.sleep(i * 30);
        const request = signedCommand(s, `CKILL${k}x${i}`, `UK${i}`);
        try {
          const res = await s.http(`${url}/slack/events`, "POST", request.body, request.headers);
          // An empty 200 is the acknowledgement ("busy" or a refusal would carry text).
          if (res.status === 200 && res.text === "")
            acked.push({ channel: `CKILL${k}x${i}`, responseId: request.responseId });
        } catch {
          // The connection went with the process: not acknowledged, so Slack would tell the user.
        }
      }),
    ]);
    await victim.exited;
    victim = s.startProc(`bot C${k + 2}`, ["bot"], s.botEnv);
    await s.waitListening(victim);
  }
  // Every acknowledged command finished: by a restarted bot, or by bot A or B taking it over.
  const channels = acked.map((a) => a.channel);
  const pending = () => s.db.prisma.chatCommand.count({ where: { channel: { in: channels }, doneAt: null } });
  const until = Date.now() + 120_000;
  while ((await pending()) > 0 && Date.now() < until) await s.sleep(250);
  const recoveredIn = (Date.now() - t0) / 1000;
  victim.child.kill("SIGTERM");
  await victim.exited;

  let lost = 0;
  let twice = 0;
  let unlinked = 0;
  let posted = 0;
  const responded = new Set(s.slack.callsOf("respond").map((c) => String(c.args.id)));
  for (const a of acked) {
    const messages = s.slack.messages(a.channel).filter((m) => m.metadata?.event_type === "oracle_prophecy");
    if (messages.length === 0 && !responded.has(a.responseId)) lost++;
    if (messages.length > 1) twice++;
  }
  // Every quatrain Slack holds in those channels is linked to its prophecy.
  for (let k = 0; k < s.args.crashes; k++) {
    for (let i = 0; i < BURST; i++) {
      const channel = `CKILL${k}x${i}`;
      for (const m of s.slack.messages(channel)) {
        const id = Number(m.metadata?.event_payload.prophecy_id);
        if (!id) continue;
        posted++;
        const row = await s.db.prisma.prophecy.findUnique({ where: { id }, select: { messageRef: true } });
        if (row?.messageRef !== `${channel}/${m.ts}`) unlinked++;
      }
    }
  }
  s.say(
    `kill -9 at ${moments.length} moments (ms after each burst of ${BURST} began: ${moments.join(", ")}): ${acked.length} commands acknowledged, ${lost} lost, ${posted} quatrains posted, ${unlinked} posted without their link, ${twice} posted twice; all finished ${round(recoveredIn, 1)} s after the first burst`,
  );
  return { lost, unlinked };
}

/** Signed requests sent again as they were: each must run once, whichever bot gets it. */
async function replayRound(s: Stress): Promise<number> {
  const [a, b] = s.bots as [Proc, Proc];
  let twice = 0;
  // Slack: the same bytes three times (to both bots).
  const request = signedCommand(s, "CREPLAY", "UREPLAY");
  const slackStatuses: number[] = [];
  for (const bot of [a, b, a])
    slackStatuses.push((await s.http(`${bot.url}/slack/events`, "POST", request.body, request.headers)).status);
  await s.slack.waitFor("chat.postMessage", (c) => c.args.channel === "CREPLAY", 20_000).catch(() => null);
  await s.sleep(1000);
  const slackRuns = s.slack.messages("CREPLAY").length;
  if (slackRuns > 1) twice++;
  // Discord: the same interaction three times.
  const user = snowflake();
  const interaction = s.discord.commandInteraction("prophecy", [{ name: "temperature", type: 10, value: 1.3 }], {
    userId: user,
  });
  const req = signed(s.keys, interaction);
  const discordStatuses: number[] = [];
  for (const bot of [a, b, a])
    discordStatuses.push((await s.http(`${bot.url}/discord/interactions`, "POST", req.body, req.headers)).status);
  s.discord.setOriginal(interaction.token, {});
  await s.sleep(1000);
  const discordRuns = await s.db.prisma.prophecy.count({ where: { surface: "discord", requestedBy: user } });
  if (discordRuns > 1) twice++;
  // A Slack event retried (same event_id, new signature) to the other bot.
  const event = eventBody({ type: "app_home_opened", user: "UREPLAYHOME", channel: "DREPLAY", tab: "home" });
  const now = Math.floor(Date.now() / 1000);
  const eventStatuses: number[] = [];
  for (const [bot, ts] of [
    [a, now],
    [b, now + 1],
  ] as const)
    eventStatuses.push(
      (
        await s.http(`${bot.url}/slack/events`, "POST", event, {
          "content-type": "application/json",
          "x-slack-request-timestamp": String(ts),
          "x-slack-signature": slackSignature(event, ts),
          "x-slack-retry-num": "1",
        })
      ).status,
    );
  await s.sleep(1000);
  const eventRuns = s.slack.callsOf("views.publish").filter((c) => c.args.user_id === "UREPLAYHOME").length;
  if (eventRuns > 1) twice++;
  s.say(
    `replays: Slack /prophecy ×3 → ${slackStatuses.join(",")}, ran ${slackRuns}×; Discord interaction ×3 → ${discordStatuses.join(",")}, ran ${discordRuns}×; Slack event retried on the other bot → ${eventStatuses.join(",")}, ran ${eventRuns}×`,
  );
  return twice;
}

/** A copy of the current model into another database (a bot there serves at once). */
async function copyModel(s: Stress, to: Db): Promise<void> {
  const v = (await getModelVersion(s.db, (await currentModelVersion(s.db))!.version, {
    withWeights: true,
    withCorpusIds: true,
  }))!;
  await createModelVersion(
    to,
    {
      trainingStartedAt: v.trainingStartedAt,
      trainingFinishedAt: v.trainingFinishedAt,
      status: "accepted",
      topology: v.topology as object,
      weightSpecs: v.weightSpecs as object[],
      weights: v.weights!,
      vocabulary: v.vocabulary,
      casing: v.casing,
      hyperParams: v.hyperParams as object,
      corpusSha256: v.corpusSha256,
      corpusIds: v.corpusIds!,
      corpusDocuments: v.corpusDocuments,
      gloveSource: v.gloveSource,
      gloveCoverage: v.gloveCoverage,
      backend: v.backend,
      epochs: v.epochs,
      loss: v.loss,
      valLoss: v.valLoss,
      valAcc: v.valAcc,
    },
    { promote: { by: "stress", reason: "copied for the database faults" } },
  );
}

const webOnly = (url: string) => ({
  DATABASE_URL: url,
  PORT: "0",
  BOT_HOST: "127.0.0.1",
  BOT_BACKEND: "wasm",
  WEB_RATE_LIMIT_PER_MINUTE: "100000",
});

/** Milliseconds until /readyz answers 503 (and what a prophecy request gets then), at most 15 s. */
async function until503(s: Stress, bot: Proc, since: number): Promise<{ ms: number; reason: string; ask: number }> {
  let r = await s.readyz(bot.url!);
  while (r.status !== 503 && Date.now() - since < 15_000) {
    await s.sleep(50);
    r = await s.readyz(bot.url!);
  }
  const ms = Date.now() - since;
  const ask = (await s.http(`${bot.url}/api/prophecies`, "POST", "{}", { "content-type": "application/json" })).status;
  return { ms, reason: r.body.reason ?? "", ask };
}

/** SQLite and PostgreSQL, each turned read-only and then deleted under a running bot. Returns the slowest time to 503. */
async function databaseRound(s: Stress): Promise<number> {
  const times: number[] = [];
  const show = (what: string, r: { ms: number; reason: string; ask: number }, extra = "") => {
    times.push(r.ms);
    s.say(
      `${what}: /readyz 503 after ${r.ms} ms ("${r.reason.slice(0, 90)}"), a prophecy request then: ${r.ask}${extra}`,
    );
  };

  // SQLite, in a folder of its own; the bot runs as `nobody` when this runs as root (root ignores modes).
  const dir = mkdtempSync(path.join(tmpdir(), "oracle-stress-sqlite-"));
  chmodSync(dir, 0o755); // the bot's user must reach it
  const file = path.join(dir, "oracle.db");
  const sqlite = await openDatabase(`file:${file}`, { migrate: true, log: silentLogger });
  await copyModel(s, sqlite);
  await sqlite.close();
  const own = () => {
    if (!asRoot) return;
    chownSync(dir, NOBODY, NOBODY);
    for (const f of readdirSync(dir)) chownSync(path.join(dir, f), NOBODY, NOBODY);
  };
  own();
  const user = asRoot ? { asUser: NOBODY } : {};
  let bot = s.startProc("bot D (SQLite)", ["bot"], webOnly(`file:${file}`), user);
  await s.waitListening(bot);
  let t = Date.now();
  for (const f of readdirSync(dir)) chmodSync(path.join(dir, f), 0o444);
  chmodSync(dir, 0o555);
  const readOnly = await until503(s, bot, t);
  chmodSync(dir, 0o755);
  for (const f of readdirSync(dir)) chmodSync(path.join(dir, f), 0o644);
  show("SQLite turned read-only", readOnly);
  await s.waitListening(bot); // ready again once writable

  t = Date.now();
  for (const suffix of ["", "-wal", "-shm"]) rmSync(`${file}${suffix}`, { force: true });
  show("SQLite deleted", await until503(s, bot, t));
  bot.child.kill("SIGTERM");
  await bot.exited;
  bot = s.startProc("bot D restarted", ["bot"], webOnly(`file:${file}`), user);
  const code = await bot.exited;
  s.say(
    `    restarted on the deleted file: exit ${code}, "${(bot.out.find((l) => /gone|error/.test(l)) ?? "").slice(0, 120)}…"; file recreated: ${existsSync(file) ? "YES" : "no"}`,
  );

  // PostgreSQL: a scratch database of its own.
  const name = `oracle_stress_faults_${process.pid}`;
  const admin = new pg.Client({ connectionString: s.args.postgres });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name}`);
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(s.args.postgres);
  url.pathname = `/${name}`;
  const pgDb = await openDatabase(url.toString(), { migrate: true, log: silentLogger });
  await copyModel(s, pgDb);
  await pgDb.close();
  bot = s.startProc("bot E (PostgreSQL)", ["bot"], webOnly(url.toString()));
  await s.waitListening(bot);
  t = Date.now();
  await admin.query(`ALTER DATABASE ${name} SET default_transaction_read_only = on`);
  await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${name}'`);
  show("PostgreSQL turned read-only", await until503(s, bot, t));
  await admin.query(`ALTER DATABASE ${name} SET default_transaction_read_only = off`);
  await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${name}'`);
  await s.waitListening(bot);
  t = Date.now();
  await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
  show("PostgreSQL database dropped", await until503(s, bot, t));
  bot.child.kill("SIGTERM");
  await bot.exited;
  await admin.end();
  spawnSync("rm", ["-rf", dir]);
  return Math.max(...times);
}
