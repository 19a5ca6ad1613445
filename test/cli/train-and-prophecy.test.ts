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

    const second = await runOracle(["train", "--epochs", "1", "--max-documents", "40", "--json"], { ...env(), TRAINER_PROMOTION_TOLERANCE: "10" });
    expect(JSON.parse(second.stdout)).toMatchObject({ version: 2, status: "accepted" });
    const models = JSON.parse((await runOracle(["models", "--json"], env())).stdout);
    expect(models.current).toBe(2);
    expect(models.versions.map((v: { version: number }) => v.version)).toEqual([1, 2]);
    expect(models.promotions.map((p: { version: number }) => p.version)).toEqual([2, 1]);
    const listing = (await runOracle(["models"], env())).stdout;
    expect(listing).toMatch(/promotions, newest first:\n  v2 .* by \S+: /);
    expect(listing).toMatch(/test ppl \d+\.\d \(KN-3 \d+\.\d, \d+\/\d+ unknown\)/);
    expect(listing).toMatch(/T0\.7 rep 0% end 100% copy≤ \d+%/);
  });
});
