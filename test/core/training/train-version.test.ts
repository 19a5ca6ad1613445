import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { beforeAll, expect, it } from "vitest";
import { currentModelVersion, getModelVersion, listModelVersions } from "../../../core/db/model-versions.ts";
import { silentLogger } from "../../../core/logger.ts";
import { initBackend } from "../../../core/tf/backend.ts";
import { trainVersion } from "../../../core/training/train-version.ts";
import { testConfig } from "../../helpers/config.ts";
import { describeEachDatabase } from "../../helpers/db.ts";
import { testCorpusPath } from "../../helpers/paths.ts";

const DOCS = 40;

// One scenario, in order, on one database: the first test's model is the current version that
// the later tests warm-start from, gate against, and must leave current. Run the file whole.
describeEachDatabase("trainVersion (one scenario: first model, warm start, gate, stop)", (getDb) => {
  const deps = (overrides: Parameters<typeof testConfig>[1] = {}) => ({ db: getDb(), config: testConfig(getDb().url, overrides), log: silentLogger });

  beforeAll(async () => {
    await initBackend({ preference: "wasm" });
  });

  it("trains the first version from GloVe, stores everything and makes it current", async () => {
    const epochs: number[] = [];
    const result = await trainVersion(deps(), { maxDocuments: DOCS, epochs: 2, onEpoch: (m) => void epochs.push(m.epoch) });
    expect(result).toMatchObject({ status: "accepted", reason: "first model", warmStarted: false, backend: "wasm" });
    expect(epochs).toEqual([1, 2]);
    expect(result.gloveCoverage).toBeGreaterThan(0.9);
    expect(result.epochs.map((e) => e.epoch)).toEqual([1, 2]);
    // The best epoch's weights are kept, and its metrics stand for the version.
    const best = result.epochs.reduce((a, b) => (b.valLoss < a.valLoss ? b : a));
    expect(result.keptEpoch).toBe(best.epoch);
    expect(result.valLoss).toBe(best.valLoss);
    expect(result.valLoss).toBeLessThan(Math.log(result.vocabSize)); // better than a uniform guess

    const current = await currentModelVersion(getDb(), { withWeights: true, withCorpusIds: true });
    expect(current?.version).toBe(result.version);
    expect(current?.corpusSha256).toBe(createHash("sha256").update(readFileSync(testCorpusPath)).digest("hex"));
    expect(current?.vocabulary.length).toBe(result.vocabSize);
    expect(current?.weights?.byteLength).toBeGreaterThan(result.vocabSize * 100 * 4);
    expect(current?.casing).toBeTypeOf("object");
    expect(current?.hyperParams).toMatchObject({ units: 128, phraseLength: 4, batchSize: 512, embeddingDim: 100 });
    const evaluation = current!.evaluation!;
    expect(evaluation.perplexity).toBeCloseTo(Math.exp(result.valLoss), 6);
    expect(evaluation.kneserNeyPerplexity).toBeGreaterThan(1);
    expect(evaluation.copy.samples).toBe(5);
    expect(evaluation.meanTokens).toBeGreaterThanOrEqual(12); // SAMPLING_MIN_WORDS
    expect(evaluation.corpusMeanTokens).toBeGreaterThan(25); // shortest quatrain: 25
    // The held-out test quatrains, scored for both models, and the quality figures at three temperatures.
    // Stored as computed (JSON in the database: floats compared to 9 places).
    expect(Object.keys(evaluation).sort()).toEqual(Object.keys({ ...result.evaluation, keptEpoch: 1 }).sort());
    expect(evaluation.testPerplexity).toBeCloseTo(result.evaluation!.testPerplexity, 9);
    expect(evaluation.testKneserNeyPerplexity).toBeCloseTo(result.evaluation!.testKneserNeyPerplexity, 9);
    expect(evaluation.testUnknownTokens).toBe(result.evaluation!.testUnknownTokens);
    expect(evaluation.testPerplexity).toBeGreaterThan(1);
    expect(evaluation.testKneserNeyPerplexity).toBeGreaterThan(1);
    expect(evaluation.testTokens).toBeGreaterThan(0);
    expect(evaluation.quality.map((q) => [q.temperature, q.quatrains])).toEqual([[0.7, 5], [1, 5], [1.3, 5]]);
    // The sampler's rules hold by construction.
    for (const q of evaluation.quality) expect([q.immediateRepeat, q.badPunctuation, q.noTerminalEnd]).toEqual([0, 0, 0]);
    expect(current?.hyperParams).toMatchObject({ testFraction: 0.05, testSeed: 2017 });
  });

  it("warm-starts the next run from the current weights and promotes it", async () => {
    const before = await currentModelVersion(getDb());
    // A generous tolerance: this is about warm start and promotion, the gate has its own test.
    const result = await trainVersion(deps({ trainer: { promotionTolerance: 1 } }), { maxDocuments: DOCS });
    expect(result.warmStarted).toBe(true);
    expect(result.gloveSource).toBe(`warm start from v${before!.version}`);
    expect(result.status).toBe("accepted");
    // Same vocabulary: the current model was re-measured on this run's validation examples.
    expect(result.reason).not.toMatch(/another vocabulary/);
    expect((await currentModelVersion(getDb()))?.version).toBe(result.version);
    expect(result.version).toBe(before!.version + 1);
  });

  it("rejects a worse model at the gate and keeps the current version", async () => {
    const before = await currentModelVersion(getDb());
    // Cold start with a learning rate that cannot learn anything in one epoch.
    const result = await trainVersion(deps({ training: { learningRate: 1e-6 } }), { maxDocuments: DOCS, warmStart: false });
    expect(result.status).toBe("rejected");
    expect(result.reason).toMatch(/worse than current/);
    expect((await currentModelVersion(getDb()))?.version).toBe(before!.version);
    const stored = await getModelVersion(getDb(), result.version!);
    expect(stored).toMatchObject({ status: "rejected", isCurrent: false });
    expect(stored?.rejectReason).toMatch(/worse than current/);
  });

  it("refuses a candidate whose sampled quatrains break the quality limits, saying which", async () => {
    const before = await currentModelVersion(getDb());
    // The sampler's rules off: a one-epoch model's quatrains run to the length cap without a full stop.
    const result = await trainVersion(deps({
      trainer: { promotionTolerance: 100, qualityGate: true },
      sampling: { endOnTerminal: false, noImmediateRepeat: false, punctuationRules: false },
    }), { maxDocuments: DOCS, warmStart: false });
    expect(result.status).toBe("rejected");
    expect(result.reason).toMatch(/^quatrains break the quality limits: .*end with \. ! or \? at T=0\.7/);
    expect((await currentModelVersion(getDb()))?.version).toBe(before!.version);
  });

  it("gates a run on another corpus against the current model's recorded loss, and says so", async () => {
    const result = await trainVersion(deps({ trainer: { promotionTolerance: 10 } }), { maxDocuments: DOCS - 10 });
    expect(result.reason).toMatch(/has another vocabulary, so its recorded loss was used/);
  });

  it("saves nothing when stopped mid-run", async () => {
    const count = (await listModelVersions(getDb())).length;
    let batches = 0;
    const result = await trainVersion(deps(), { maxDocuments: DOCS, epochs: 3, shouldStop: () => ++batches >= 2 });
    expect(result).toMatchObject({ status: "stopped", version: null });
    expect((await listModelVersions(getDb())).length).toBe(count);
  });

  it("names the missing corpus", async () => {
    await expect(trainVersion(deps(), { corpusPath: "/nowhere/quatrains.txt" })).rejects.toThrow(/Corpus not found: \/nowhere\/quatrains.txt/);
  });
});
