// Faults beside the load: a promoted model row with truncated weights (the bots keep serving the
// previous version and say why), SQLite on a full 4 MB tmpfs (an error, then an intact database),
// and, unless --no-pg-restart, this machine's PostgreSQL restarted during load.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { openDatabase } from "../../core/db/client.ts";
import { enqueueJob } from "../../core/db/jobs.ts";
import { createModelVersion, currentModelVersion, getModelVersion, rollback } from "../../core/db/model-versions.ts";
import { silentLogger } from "../../core/logger.ts";
import type { Clients } from "./clients.ts";
import type { Stress } from "./setup.ts";

export async function corruptModelFault(s: Stress, c: Clients): Promise<void> {
  s.say();
  s.say("== fault: corrupt model row promoted ==");
  const good = (await currentModelVersion(s.db))!.version;
  const full = (await getModelVersion(s.db, good, { withWeights: true, withCorpusIds: true }))!;
  const bad = await createModelVersion(
    s.db,
    {
      trainingStartedAt: new Date(),
      trainingFinishedAt: new Date(),
      status: "accepted",
      topology: full.topology as object,
      weightSpecs: full.weightSpecs as object[],
      weights: full.weights!.slice(0, Math.floor(full.weights!.length / 3)),
      vocabulary: full.vocabulary,
      casing: full.casing,
      hyperParams: full.hyperParams as object,
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
  await s.sleep(3500);
  const states = await Promise.all(s.bots.map((b) => s.readyz(b.url!)));
  const probe = await Promise.all(s.bots.map((b) => c.webProphecy(b)));
  for (const o of probe) if (o.ok) s.answered.add(o.id!);
  const why = s.bots.map(
    (b) =>
      b.out
        .filter((l) => l.includes(`"version":${bad}`) && /"level":(40|50)/.test(l))
        .map((l) => JSON.parse(l) as { msg: string; err?: string | { message?: string } })
        .map(
          (e) => `${e.msg}: ${String(typeof e.err === "string" ? e.err : (e.err?.message ?? "")).split("\n")[0]}`,
        )[0] ?? "(nothing logged)",
  );
  s.say(
    `promoted v${bad} with weights truncated to a third; bots serve ${states.map((r) => `v${r.body.modelVersion}`).join(" and ")} (previous: v${good}); prophecies ${probe.filter((o) => o.ok).length}/${probe.length} served`,
  );
  s.say(`    logged: ${why[0]}`);
  await rollback(s.db, "stress");
}

export async function diskFullFault(s: Stress): Promise<void> {
  s.say();
  s.say("== fault: SQLite disk full (4 MB tmpfs) ==");
  const mnt = path.join(s.work, "tmpfs");
  spawnSync("mkdir", ["-p", mnt]);
  const mounted = spawnSync("mount", ["-t", "tmpfs", "-o", "size=4m", "tmpfs", mnt]);
  if (mounted.status !== 0) s.say(`skipped: cannot mount a tmpfs here (${mounted.stderr.toString().trim()})`);
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
      s.say(`${written} rows written, then: ${error || "(no error?)"}`);
      s.say(`    reopened: ${rows} rows (expected ${written}), integrity_check ${check[0]?.integrity_check}`);
    } finally {
      spawnSync("umount", [mnt]);
    }
  }
}

export async function postgresRestartFault(s: Stress, c: Clients): Promise<void> {
  s.say();
  s.say("== fault: PostgreSQL restarted during load ==");
  s.say(
    "WARNING: restarting this machine's PostgreSQL cluster (pg_ctlcluster 15 main restart); other tests using it may see one dropped connection",
  );
  s.answered.clear();
  const watch: { t: number; bot: number; ready: boolean }[] = [];
  let watching = true;
  const watcher = (async () => {
    while (watching) {
      const states = await Promise.all(s.bots.map((b) => s.readyz(b.url!)));
      states.forEach((r, i) => watch.push({ t: Date.now(), bot: i, ready: r.status === 200 }));
      await s.sleep(100);
    }
  })();
  const loadSeconds = Math.max(10, Math.min(s.args.seconds, 20));
  const load = c.openLoop(Math.min(s.args.rate, 50), loadSeconds);
  await s.sleep(3000);
  const tRestart = Date.now();
  const restart = spawnSync("pg_ctlcluster", ["--skip-systemctl-redirect", "15", "main", "restart"], {
    encoding: "utf8",
  });
  s.say(
    `restart: exit ${restart.status} in ${Date.now() - tRestart} ms${restart.stderr ? ` (${restart.stderr.trim()})` : ""}`,
  );
  const outcomes = await load;
  await s.sleep(3000);
  watching = false;
  await watcher;
  c.report(`open loop ${Math.min(s.args.rate, 50)}/s for ${loadSeconds} s across the restart`, outcomes, loadSeconds);
  for (const i of [0, 1]) {
    const mine = watch.filter((w) => w.bot === i && w.t >= tRestart);
    const down = mine.filter((w) => !w.ready);
    const back = mine.find((w, k) => k > 0 && w.ready && !mine[k - 1].ready);
    s.say(
      `    ${s.bots[i].name}: not ready for ${down.length} probe(s)${back ? `, ready again ${back.t - tRestart} ms after the restart began` : ""}; ready at the end: ${mine.at(-1)?.ready}`,
    );
  }
  const lost = await c.missingFromDb(s.answered);
  s.say(`    answered ${s.answered.size}, missing from the database ${lost.length}`);
}
