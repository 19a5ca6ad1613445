// Load on two bots while the trainer trains a retrain asked from Slack: an open loop, then a closed
// loop during which the trainer is SIGKILLed mid-job; the retrain handled and announced once, the
// promotion served by both bots, every answered prophecy in the database, no message handled twice.
import { getJob } from "../../core/db/jobs.ts";
import { currentModelVersion } from "../../core/db/model-versions.ts";
import { commandBody, slackSignature } from "../../test/bot/slack/signing.ts";
import type { Clients } from "./clients.ts";
import type { Stress } from "./setup.ts";

export async function loadScenario(s: Stress, c: Clients): Promise<void> {
  const { say, db, args } = s;
  say();
  say("== load (two bots, trainer training) ==");
  // Warm-up as the load bench's: a long-running bot's state (JIT, connection pools), which the runs
  // measure; two rounds of 20 at once per surface and bot, 5 s apart.
  const warm: Awaited<ReturnType<Clients["kinds"][number]>>[] = [];
  for (const round of [1, 2]) {
    warm.push(
      ...(await Promise.all(s.bots.flatMap((b) => c.kinds.flatMap((k) => Array.from({ length: 20 }, () => k(b)))))),
    );
    if (round === 1) await s.sleep(5_000);
  }
  const failed = warm.filter((o) => !o.ok);
  say(
    `warm-up: ${warm.length - failed.length}/${warm.length} served${failed.length ? ` (${failed.map((o) => o.error).join("; ")})` : ""}`,
  );
  const retrainBody = commandBody(s.slack, "/retrain", "stress: train while loaded", {
    channel: "CRETRAIN",
    user: "UADMIN",
  });
  const rts = Math.floor(Date.now() / 1000);
  const retrainRes = await s.http(`${s.bots[0].url}/slack/events`, "POST", retrainBody, {
    "content-type": "application/x-www-form-urlencoded",
    "x-slack-request-timestamp": String(rts),
    "x-slack-signature": slackSignature(retrainBody, rts),
  });
  say(`/retrain from Slack via bot A: HTTP ${retrainRes.status}`);
  const loopStart = Date.now();
  const openOutcomes = await c.openLoop(args.rate, args.seconds);
  c.report(`open loop ${args.rate}/s for ${args.seconds} s`, openOutcomes, args.seconds);
  const jobsDuring = await db.prisma.trainingJob.findMany({ orderBy: { id: "asc" } });
  const since = (at: Date | number | null | undefined) =>
    at ? `${((new Date(at).getTime() - loopStart) / 1000).toFixed(1)} s` : "-";
  say(
    `trainer during the run: ${jobsDuring.map((j) => `job ${j.id} ${j.state} (started ${since(j.startedAt)}, finished ${since(j.finishedAt)} from the first request)`).join(", ")}`,
  );
  for (const bot of s.bots) {
    const swaps = bot.out
      .map((l) => {
        try {
          return JSON.parse(l) as { msg?: string; time?: number; version?: number };
        } catch {
          return {};
        }
      })
      .filter((l) => l.msg === "serving model version" && (l.time ?? 0) >= loopStart);
    if (swaps.length)
      say(`    ${bot.name} serving: ${swaps.map((l) => `v${l.version} at ${since(l.time)}`).join(", ")}`);
  }

  // Trainer SIGKILL mid-job, during the closed loop.
  const killJob = await db.prisma.trainingJob
    .create({ data: { requestedBy: "stress", reason: "killed mid-job", state: "queued" } })
    .catch(async () => null);
  const closedPromise = c.closedLoop(args.clients, args.seconds);
  let killed = "no job running to kill";
  if (killJob) {
    for (let i = 0; i < 600; i++) {
      const j = await getJob(db, killJob.id);
      if (j?.state === "running") break;
      await s.sleep(100);
    }
    await s.sleep(1500);
    const before = await getJob(db, killJob.id);
    if (before?.state === "running") {
      s.trainer.child.kill("SIGKILL");
      await s.trainer.exited;
      killed = `trainer SIGKILLed with job ${killJob.id} running`;
      s.trainer = s.startProc("trainer 2", ["trainer"], s.trainerEnv);
    }
  }
  const closedOutcomes = await closedPromise;
  c.report(`closed loop ${args.clients} clients for ${args.seconds} s`, closedOutcomes, args.seconds);
  say(`fault: ${killed}`);
  if (killJob) {
    let j = await getJob(db, killJob.id);
    for (let i = 0; i < 1200 && j && !["succeeded", "rejected", "failed", "cancelled"].includes(j.state); i++) {
      await s.sleep(250);
      j = await getJob(db, killJob.id);
    }
    say(
      `    job ${killJob.id} afterwards: ${j?.state} after ${j?.attempts} attempt(s)${j?.error ? ` (${j.error})` : ""}; the bots served ${closedOutcomes.filter((o) => o.ok).length}/${closedOutcomes.length} meanwhile`,
    );
  }

  // Retrain handled once, announced once; the promotion reaches both bots.
  const jobs = await db.prisma.trainingJob.findMany({ orderBy: { id: "asc" } });
  const chatJobs = jobs.filter((j) => j.surface === "slack");
  const announcements = s.slack.callsOf("chat.postMessage").filter((call) => call.args.channel === "CRETRAIN");
  const current = await currentModelVersion(db);
  await s.sleep(2500);
  const served = await Promise.all(s.bots.map((b) => s.readyz(b.url!)));
  say(
    `retrain: ${chatJobs.length} job(s) from chat (${chatJobs.map((j) => `${j.state}, ${j.attempts} attempt(s)`).join("; ")}), announced ${announcements.length} time(s); current v${current?.version}; bots serve ${served.map((r) => `v${r.body.modelVersion}`).join(" and ")}`,
  );
  const missing = await c.missingFromDb(s.answered);
  say(
    `zero lost: ${s.answered.size} answered prophecies, ${missing.length} missing from the database${missing.length ? ` (e.g. ${missing.slice(0, 5).join(", ")})` : ""}`,
  );
  const dupes = await db.prisma.$queryRawUnsafe<{ n: bigint }[]>(
    `SELECT count(*) AS n FROM (SELECT "messageRef" FROM "Prophecy" WHERE "messageRef" IS NOT NULL GROUP BY "messageRef" HAVING count(*) > 1) d`,
  );
  say(`handled twice: ${Number(dupes[0].n)} message(s) attached to more than one prophecy`);
}
