import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { beforeAll, expect, it } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  currentModelVersion,
  getModelVersion,
  listModelVersions,
  listPromotions,
} from "../../../core/db/model-versions.ts";
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
  // Batches of 4 quatrains: the default 16 makes 3 steps an epoch on this slice, too few for the
  // first model to be clearly better than an untrained one (the gate test below needs that).
  const deps = (overrides: Parameters<typeof testConfig>[1] = {}) => ({
    db: getDb(),
    config: testConfig(getDb().url, { ...overrides, training: { batchSize: 4, ...overrides?.training } }),
    log: silentLogger,
  });

  beforeAll(async () => {
    await initBackend({ preference: "wasm" });
  });

  it("trains the first version from GloVe, stores everything and makes it current", async () => {
    const epochs: number[] = [];
    const result = await trainVersion(deps(), {
      maxDocuments: DOCS,
      epochs: 2,
      onEpoch: (m) => void epochs.push(m.epoch),
    });
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
    // The default: the sequence model, and the version says so (serving rebuilds it from that).
    expect(current?.hyperParams).toMatchObject({
      architecture: "sequence",
      units: 128,
      layers: 1,
      tiedOutput: true,
      batchSize: 4,
      embeddingDim: 100,
    });
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
    expect(evaluation.quality.map((q) => [q.temperature, q.quatrains])).toEqual([
      [0.7, 5],
      [1, 5],
      [1.3, 5],
    ]);
    // The sampler's rules hold by construction.
    for (const q of evaluation.quality)
      expect([q.immediateRepeat, q.badPunctuation, q.noTerminalEnd]).toEqual([0, 0, 0]);
    // The loop figures, each sampled set against the corpus' own (its word-count range, its word rates).
    const c = evaluation.corpusQuality;
    expect([c.inWordRange, c.overuse?.multiple, c.capped]).toEqual([1, 1, 0]);
    expect(c.wordCountMin).toBeGreaterThan(10);
    expect(c.distinctBigrams).toBeGreaterThan(0.5);
    for (const q of evaluation.quality) {
      expect(q.topWords.length).toBeGreaterThan(0);
      expect(q.overuse!.multiple).toBeGreaterThan(0);
      expect(q.topPhrase!.corpusShare).toBeGreaterThanOrEqual(0);
      expect(q.capped).toBeGreaterThanOrEqual(0);
      expect(q.distinctBigramsAt).toBeGreaterThan(0);
    }
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
    const result = await trainVersion(deps({ training: { learningRate: 1e-6 } }), {
      maxDocuments: DOCS,
      warmStart: false,
    });
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
    const result = await trainVersion(
      deps({
        trainer: { promotionTolerance: 100, qualityGate: true },
        sampling: { endOnTerminal: false, noImmediateRepeat: false, punctuationRules: false },
      }),
      { maxDocuments: DOCS, warmStart: false },
    );
    expect(result.status).toBe("rejected");
    expect(result.reason).toMatch(/^quatrains break the quality limits: .*ending with \. ! or \? at T=0\.7: /);
    expect((await currentModelVersion(getDb()))?.version).toBe(before!.version);
  });

  it("stores a run on another corpus as not current, whatever its loss, and says why", async () => {
    const before = await currentModelVersion(getDb());
    // Fewer documents: another vocabulary, so a loss comparison would mean nothing (issue 8: a 34-word model won).
    const result = await trainVersion(deps({ trainer: { promotionTolerance: 10 } }), { maxDocuments: DOCS - 10 });
    expect(result.status).toBe("rejected");
    expect(result.reason).toMatch(
      new RegExp(
        `trained on another corpus than current v${before!.version} \\(documents ${DOCS} → ${DOCS - 10}, vocabulary \\d+ → \\d+ words\\)`,
      ),
    );
    expect(result.reason).toMatch(/not comparable/);
    expect((await currentModelVersion(getDb()))?.version).toBe(before!.version);
    expect(await getModelVersion(getDb(), result.version!)).toMatchObject({ status: "rejected", isCurrent: false });
  });

  it("promotes a run on another corpus when the request allows it, recording why on the promotion", async () => {
    const result = await trainVersion(deps(), { maxDocuments: DOCS - 10, allowCorpusChange: true, requestedBy: "ada" });
    expect(result.status).toBe("accepted");
    expect(result.reason).toMatch(/^corpus change allowed explicitly \(--allow-corpus-change\)/);
    expect((await currentModelVersion(getDb()))?.version).toBe(result.version);
    const [promotion] = await listPromotions(getDb());
    expect(promotion).toMatchObject({ version: result.version, promotedBy: "ada" });
    expect(promotion.reason).toMatch(/--allow-corpus-change/);
  });

  it("reports a bad GLOVE_SOURCE at start, also when a warm start would not need it", async () => {
    const count = (await listModelVersions(getDb())).length;
    const dir = mkdtempSync(path.join(tmpdir(), "glove-dir-"));
    // Same slice as the current version: a warm start applies.
    await expect(
      trainVersion(deps({ glove: { source: "/nowhere/glove.6B.100d.txt" } }), { maxDocuments: DOCS - 10 }),
    ).rejects.toThrow(/GloVe file not found/);
    await expect(trainVersion(deps({ glove: { source: dir } }), { maxDocuments: DOCS - 10 })).rejects.toThrow(
      /GLOVE_SOURCE is a directory/,
    );
    expect((await listModelVersions(getDb())).length).toBe(count);
  });

  it("refuses a corpus too small to be one, naming its size and path", async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "one-line-")), "one-line.txt");
    writeFileSync(file, "Le grand Roy viendra d'effrayer la terre\n");
    await expect(trainVersion(deps(), { corpusPath: file })).rejects.toThrow(
      /^Corpus too small to train on: \/.*one-line\.txt has 1 document\(s\) and \d+ token\(s\); the minimum is 20 documents and 500 tokens\.$/,
    );
  });

  it("applies retention after the version it saves (TRAINER_KEEP_VERSIONS), as the trainer service did", async () => {
    const result = await trainVersion(deps({ trainer: { keepVersions: 1, promotionTolerance: 10 } }), {
      maxDocuments: DOCS - 10,
    });
    const versions = await listModelVersions(getDb());
    const everCurrent = new Set((await listPromotions(getDb())).map((p) => p.version));
    for (const v of versions) {
      const kept = v.version === result.version || everCurrent.has(v.version);
      expect(v.hasWeights, `v${v.version}`).toBe(kept);
    }
    expect(versions.some((v) => !v.hasWeights)).toBe(true); // the rejected ones lost theirs
  });

  it("saves nothing when stopped mid-run", async () => {
    const count = (await listModelVersions(getDb())).length;
    let batches = 0;
    const result = await trainVersion(deps(), { maxDocuments: DOCS, epochs: 3, shouldStop: () => ++batches >= 2 });
    expect(result).toMatchObject({ status: "stopped", version: null });
    expect((await listModelVersions(getDb())).length).toBe(count);
  });

  it("names the missing corpus", async () => {
    await expect(trainVersion(deps(), { corpusPath: "/nowhere/quatrains.txt" })).rejects.toThrow(
      /Corpus not found: \/nowhere\/quatrains.txt/,
    );
  });
});
