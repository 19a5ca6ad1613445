// Issue 18, item 6: a promoted model row that cannot be loaded (truncated or missing weights, a
// topology that is not JSON) is the operator's problem: users get "the oracle is resting" (503, on
// the web and in Slack, without a literal \n or an operator's hint), operators a log line and the
// /models page saying which version failed and why; the home page still answers.
import { beforeAll, beforeEach, expect, it } from "vitest";
import type { Db } from "../../core/db/client.ts";
import { createModelVersion, getModelVersion, promote } from "../../core/db/model-versions.ts";
import { createOracle } from "../../core/oracle/oracle.ts";
import { capturedLog } from "../core/oracle/fixture.ts";
import { testConfig } from "../helpers/config.ts";
import { describeEachDatabase } from "../helpers/db.ts";
import { startSlackBot, sendCommand } from "./slack/harness.ts";
import { startWeb, trainTinyModel } from "./web/fixture.ts";

type Corruption = "truncated weights" | "no weights" | "topology not JSON";

async function corruptVersion(db: Db, good: number, how: Corruption): Promise<number> {
  const r = (await getModelVersion(db, good, { withWeights: true, withCorpusIds: true }))!;
  const version = await createModelVersion(db, {
    trainingStartedAt: r.trainingStartedAt,
    trainingFinishedAt: r.trainingFinishedAt,
    status: "accepted",
    topology: r.topology as object,
    weightSpecs: r.weightSpecs as object[],
    weights: how === "truncated weights" ? r.weights!.slice(0, Math.floor(r.weights!.length / 3)) : r.weights!,
    vocabulary: r.vocabulary,
    casing: r.casing,
    hyperParams: r.hyperParams as object,
    corpusSha256: r.corpusSha256,
    corpusIds: r.corpusIds!,
    corpusDocuments: r.corpusDocuments,
    gloveSource: r.gloveSource,
    gloveCoverage: r.gloveCoverage,
    backend: r.backend,
    epochs: r.epochs,
    loss: r.loss,
    valLoss: r.valLoss,
    valAcc: r.valAcc,
  });
  await promote(db, version, "tester", `corrupt: ${how}`);
  if (how === "no weights")
    await db.prisma.$executeRawUnsafe(`UPDATE "ModelVersion" SET "weights" = NULL WHERE "version" = ${version}`);
  if (how === "topology not JSON") {
    // SQLite keeps JSON as text, so the text itself can be broken; PostgreSQL's jsonb cannot hold
    // that, so there it is JSON that is no model topology.
    await db.prisma.$executeRawUnsafe(
      db.provider === "sqlite"
        ? `UPDATE "ModelVersion" SET "topology" = '{not json' WHERE "version" = ${version}`
        : `UPDATE "ModelVersion" SET "topology" = '"{not json"'::jsonb WHERE "version" = ${version}`,
    );
  }
  return version;
}

describeEachDatabase("a model that cannot be loaded", (getDb) => {
  let good: number;
  beforeAll(async () => {
    good = await trainTinyModel(getDb());
  }, 180_000);
  beforeEach(async () => {
    // Each case: the good model current again, the broken one promoted over it.
    await getDb().prisma.promotion.deleteMany({ where: { version: { not: good } } });
  });

  it.each<Corruption>(["truncated weights", "no weights", "topology not JSON"])(
    "%s, nothing else served: the web says resting (503), / and /models answer, /models says why, the log says nothing serves",
    async (how) => {
      const bad = await corruptVersion(getDb(), good, how);
      const web = await startWeb(getDb());
      try {
        const asked = await web.app.inject({ method: "POST", url: "/api/prophecies", payload: {} });
        expect(asked.statusCode, asked.body).toBe(503);
        expect(asked.json<{ error: string }>().error).toMatch(/resting/i);
        expect(asked.json<{ error: string }>().error).not.toMatch(/still learning|oracle train/i);
        expect((await web.app.inject({ method: "GET", url: "/" })).statusCode).toBe(200);
        const page = await web.app.inject({ method: "GET", url: "/models" });
        expect(page.statusCode).toBe(200);
        expect(page.body).toMatch(new RegExp(`Version ${bad}[\\s\\S]*could not be loaded`));
        const api = (await web.app.inject({ method: "GET", url: "/api/models" })).json<{
          models: { version: number; loadError: string | null }[];
        }>();
        expect(api.models.find((m) => m.version === bad)?.loadError).toMatch(/\w/);
        const ready = await web.app.inject({ method: "GET", url: "/readyz" });
        expect(ready.statusCode).toBe(503);
        expect(ready.json<{ reason: string }>().reason).toMatch(new RegExp(`version ${bad}`));
      } finally {
        await web.close();
      }
    },
    60_000,
  );

  it("the log: one warning naming the version and why, and that nothing is serving", async () => {
    const bad = await corruptVersion(getDb(), good, "truncated weights");
    const { log, lines } = capturedLog();
    const oracle = createOracle({ db: getDb(), config: testConfig(getDb().url, { bot: { backend: "wasm" } }), log });
    try {
      await expect(oracle.prophesy({}, { surface: "web", requestedBy: "u" })).rejects.toThrow(/resting/);
      const warning = lines.find((l) => l.level === 40 && l.version === bad)!;
      expect(warning.msg).toMatch(/cannot be loaded/);
      expect(warning.msg).toMatch(/nothing is serving/);
      expect(warning.msg).not.toMatch(/keeps serving/);
    } finally {
      await oracle.close();
    }
  });

  it("Slack users are told the oracle is resting, with no \\n and no operator hint", async () => {
    await corruptVersion(getDb(), good, "no weights");
    const bot = await startSlackBot(getDb());
    try {
      const res = await sendCommand(bot, "/prophecy", "", { channel: "CREST" });
      expect(res.status).toBe(200);
      // Told at once, in the acknowledgement itself (nothing is written for an ask that cannot run).
      const text = ((await res.json()) as { text: string }).text;
      expect(text).toMatch(/resting/i);
      expect(text).not.toContain("\\n");
      expect(text).not.toMatch(/oracle train|trainer|still learning/i);
    } finally {
      await bot.stop();
    }
  });
});
