import { expect, it } from "vitest";
import { describeEachDatabase } from "../helpers/db.ts";
import { hasStackTrace, runOracle } from "../helpers/run-oracle.ts";

// The walk-through, through the real CLI, on a slice of the corpus.
describeEachDatabase("oracle train / prophecy / models", (getDb) => {
  const env = () => ({ DATABASE_URL: getDb().url });

  it("says to train first when there is no model", async () => {
    const r = await runOracle(["prophecy"], env());
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/still learning/);
    expect(r.stderr).toMatch(/oracle train/);
    expect(hasStackTrace(r.stderr)).toBe(false);
  });

  it("trains version 1, prophesies from it, and a second train makes version 2 current", async () => {
    const first = await runOracle(["train", "--epochs", "1", "--max-documents", "40", "--json"], env());
    expect(first.code, first.stderr).toBe(0);
    const v1 = JSON.parse(first.stdout);
    expect(v1).toMatchObject({ version: 1, epochs: 1, backend: "wasm", status: "accepted" });
    for (const key of ["loss", "valLoss", "valAcc", "vocabSize", "gloveCoverage"]) expect(v1[key]).toBeTypeOf("number");
    expect(v1.epochSeconds).toHaveLength(1);
    // Held-out test quatrains, both models on the same tokens, and the quality figures per temperature.
    expect(v1.evaluation.testPerplexity).toBeGreaterThan(1);
    expect(v1.evaluation.testKneserNeyPerplexity).toBeGreaterThan(1);
    expect(v1.evaluation.testTokens).toBeGreaterThan(v1.evaluation.testUnknownTokens);
    expect(v1.evaluation.quality.map((q: { temperature: number }) => q.temperature)).toEqual([0.7, 1, 1.3]);
    expect(first.stderr).toMatch(/epoch 1\/1: loss/); // plain progress lines when not a terminal

    const p = await runOracle(["prophecy", "--temperature", "1.2", "--json"], env());
    expect(p.code, p.stderr).toBe(0);
    const [prophecy] = JSON.parse(p.stdout).prophecies;
    expect(prophecy.lines).toHaveLength(4);
    expect(prophecy).toMatchObject({ temperature: 1.2, modelVersion: 1 });

    const second = await runOracle(["train", "--epochs", "1", "--max-documents", "40", "--json"], {
      ...env(),
      TRAINER_PROMOTION_TOLERANCE: "10",
    });
    expect(JSON.parse(second.stdout)).toMatchObject({ version: 2, status: "accepted" });
    const models = JSON.parse((await runOracle(["models", "--json"], env())).stdout);
    expect(models.current).toBe(2);
    expect(models.versions.map((v: { version: number }) => v.version)).toEqual([1, 2]);
    expect(models.promotions.map((p: { version: number }) => p.version)).toEqual([2, 1]);
    const listing = (await runOracle(["models"], env())).stdout;
    expect(listing).toMatch(/promotions, newest first:\n  v2 .* by \S+: /);
    expect(listing).toMatch(/test ppl \d+\.\d \(KN-3 \d+\.\d, \d+\/\d+ unknown\)/);
    expect(listing).toMatch(/T0\.7 rep 0% end 100% copy≤ \d+%/);
    // A normal run says only what it must: no backend line unless --verbose.
    expect(first.stderr).not.toMatch(/tfjs backend/);
  }, 180_000);

  it("keeps a model of another corpus out of service: rejected, marked, promoted only with --force", async () => {
    const other = await runOracle(["train", "--epochs", "1", "--max-documents", "30", "--json"], {
      ...env(),
      TRAINER_PROMOTION_TOLERANCE: "10",
    });
    expect(other.code, other.stderr).toBe(0);
    const v3 = JSON.parse(other.stdout);
    expect(v3).toMatchObject({ version: 3, status: "rejected" });
    expect(v3.reason).toMatch(/trained on another corpus than current v2 .*not comparable/);

    const listed = await runOracle(["models"], env());
    expect(listed.stdout).toMatch(/^\* v2 /m);
    expect(listed.stdout).toMatch(/^ {2}v3 +REJECTED .*— rejected: trained on another corpus/m);

    const refused = await runOracle(["promote", "3"], env());
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/Model version 3 was rejected by the promotion gate/);
    expect(refused.stderr).toMatch(/oracle promote 3 --force/);
    const forced = await runOracle(["promote", "3", "--force", "--reason", "new corpus on purpose"], env());
    expect(forced.stdout).toMatch(/model version 3 is current \(forced past the gate's rejection\)/);
    expect((await runOracle(["models"], env())).stdout).toMatch(/^\* v3 +REJECTED, FORCED CURRENT/m);

    const again = await runOracle(["promote", "3", "--reason", "x"], env());
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(
      /model version 3 is already current: nothing changed, no promotion recorded \(the reason was not recorded\)/,
    );

    const allowed = await runOracle(
      ["train", "--epochs", "1", "--max-documents", "40", "--allow-corpus-change", "--json"],
      env(),
    );
    expect(JSON.parse(allowed.stdout)).toMatchObject({ version: 4, status: "accepted" });
    expect(JSON.parse(allowed.stdout).reason).toMatch(/--allow-corpus-change/);
  }, 240_000);

  it("shows the backend choice with --verbose, and stores each quatrain's own seed", async () => {
    const r = await runOracle(["--verbose", "prophecy", "--count", "3", "--seed", "5", "--json"], env());
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/tfjs backend/);
    const seeds = JSON.parse(r.stdout).prophecies.map((p: { seed: number }) => p.seed);
    expect(seeds[0]).toBe(5);
    const third = JSON.parse(r.stdout).prophecies[2];
    const again = await runOracle(["prophecy", "--seed", String(third.seed), "--json"], env());
    expect(JSON.parse(again.stdout).prophecies[0].text).toBe(third.text);
    expect((await runOracle(["prophecy", "--seed", "5"], env())).stderr).not.toMatch(/tfjs backend/);
  }, 180_000);
});
