import { beforeAll, describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../../../core/tf/backend.ts";
import { fastScorer } from "../../../core/tf/fast-scorer.ts";
import {
  BREAK_ID,
  buildModel,
  modelScorer,
  sampleTokens,
  samplingVocabulary,
  seededRandom as modelRandom,
  localStep,
  type NextWordDraw,
} from "../../../core/model/index.ts";
import { corpusSlice, type Slice } from "../../helpers/corpus-slice.ts";
import { referenceDraw } from "../../helpers/draw-reference.ts";
import { maxAbsDiff, randomInt, seededRandom } from "./random.ts";

/** softmax of a row of logits, written out as the reference. */
const referenceSoftmax = (scores: ArrayLike<number>, t: number) => {
  const max = Math.max(...Array.from(scores));
  const e = Array.from(scores, (x) => Math.exp((x - max) / t));
  const sum = e.reduce((a, b) => a + b, 0);
  return Float64Array.from(e, (x) => x / sum);
};
const plain = { topK: 0, topP: 1, banned: [] as number[], breakInto: -1 };

let slice: Slice;
let model: tf.LayersModel;

beforeAll(async () => {
  await initBackend({ preference: "wasm" });
  slice = await corpusSlice(120);
  model = buildModel({
    vocabSize: slice.vocabSize,
    embeddingDim: 20,
    phraseLength: 4,
    units: 24,
    dropout: 0.5,
    recurrentDropout: 0.5,
    l2: 0.02,
    seed: 4,
  });
  // Train a little so the distributions are far from uniform.
  const local = localStep(model, { learningRate: 0.01, classWeights: slice.classWeights });
  for (let i = 0; i + 256 <= slice.train.count && i < 256 * 12; i += 256) {
    await local.step({
      inputs: slice.train.inputs.subarray(i * 4, (i + 256) * 4),
      targets: slice.train.targets.subarray(i, i + 256),
      size: 256,
      phraseLength: 4,
    });
  }
  local.dispose();
});

/** model.predict's probabilities for the windows. */
function predicted(windows: Int32Array, batch: number): Float32Array {
  return tf.tidy(
    () => (model.predict(tf.tensor2d(windows, [batch, 4], "int32")) as tf.Tensor).dataSync() as Float32Array,
  );
}

describe("fastScorer", () => {
  it("gives model.predict's next-word distribution on real and random windows", async () => {
    const scorer = fastScorer(model);
    expect([scorer.vocabSize, scorer.phraseLength]).toEqual([slice.vocabSize, 4]);
    const rand = seededRandom(3);
    const batch = 64;
    const windows = Int32Array.from({ length: batch * 4 }, (_, i) =>
      i < 32 * 4 ? slice.validation.inputs[i] : randomInt(rand, 0, slice.vocabSize - 1),
    );
    const want = predicted(windows, batch);
    const got = await scorer.scores(windows, batch);
    expect(got.length).toBe(batch * slice.vocabSize);
    let peak = 0;
    for (let b = 0; b < batch; b++) {
      const row = (a: Float32Array) => a.subarray(b * slice.vocabSize, (b + 1) * slice.vocabSize);
      const probs = referenceSoftmax(row(got), 1);
      expect(maxAbsDiff(probs, row(want)), `window ${b}`).toBeLessThan(1e-5);
      peak = Math.max(peak, ...row(want));
    }
    expect(peak).toBeGreaterThan(20 / slice.vocabSize); // not a near-uniform model
    scorer.dispose();
  });

  it("scores concurrent requests in one batch, each getting its own rows", async () => {
    const scorer = fastScorer(model);
    const rand = seededRandom(8);
    const requests = Array.from({ length: 20 }, () =>
      Int32Array.from({ length: 4 }, () => randomInt(rand, 0, slice.vocabSize - 1)),
    );
    const spy = tf.memory().numTensors;
    const results = await Promise.all(requests.map((w) => scorer.scores(w, 1)));
    expect(tf.memory().numTensors).toBe(spy);
    const alone = await scorer.scores(requests[7], 1);
    expect(maxAbsDiff(results[7], alone)).toBeLessThan(1e-6);
    const all = new Int32Array(requests.length * 4);
    requests.forEach((w, i) => all.set(w, i * 4));
    const want = predicted(all, requests.length);
    results.forEach((scores, i) => {
      expect(
        maxAbsDiff(referenceSoftmax(scores, 1), want.subarray(i * slice.vocabSize, (i + 1) * slice.vocabSize)),
      ).toBeLessThan(1e-5);
    });
    scorer.dispose();
  });

  it("samples the same quatrain as the model scorer with the same seed, rules and truncation included", async () => {
    const scorer = fastScorer(model);
    const vocabulary = samplingVocabulary(slice.vocab.words, slice.docs);
    const rules = { topK: 40, topP: 0.95, noImmediateRepeat: true, punctuationRules: true, endOnTerminal: true };
    for (const temperature of [0, 0.7, 1.3]) {
      for (const seed of [11, 12, 13]) {
        const viaModel = await sampleTokens(modelScorer(model), {
          temperature,
          maxWords: 40,
          random: modelRandom(seed),
          rules,
          vocabulary,
        });
        const viaFast = await sampleTokens(scorer, {
          temperature,
          maxWords: 40,
          random: modelRandom(seed),
          rules,
          vocabulary,
        });
        expect(viaFast).toEqual(viaModel);
      }
    }
    scorer.dispose();
    await expect(scorer.scores(new Int32Array(4), 1)).rejects.toThrow(/after dispose/);
  });
});

describe("fastScorer.drawNext", () => {
  for (const direct of [true, false]) {
    it(`draws as drawToken on model.predict's log-probabilities would: bans, break folded into ".", top-k, top-p (${direct ? "direct wasm kernels" : "tf ops"})`, async () => {
      const scorer = fastScorer(model, { direct, helperThread: false });
      const rand = seededRandom(direct ? 21 : 22);
      const batch = 48;
      const windows = Int32Array.from({ length: batch * 4 }, (_, i) =>
        i < 24 * 4 ? slice.validation.inputs[i + 40] : randomInt(rand, 0, slice.vocabSize - 1),
      );
      const want = predicted(windows, batch);
      const stop = slice.vocab.words.indexOf(".");
      let checked = 0;
      let breaks = 0;
      const shapes: Omit<NextWordDraw, "temperature" | "uniform">[] = [
        plain,
        { ...plain, banned: [BREAK_ID] },
        { ...plain, breakInto: stop },
        { topK: 40, topP: 0.9, banned: [1, 2], breakInto: -1 },
      ];
      for (const temperature of [0, 0.4, 1, 1.8]) {
        for (const shape of shapes) {
          // All windows at once: one batched pass with mixed rows.
          const draws = Array.from({ length: batch }, () => ({ ...shape, temperature, uniform: rand() }));
          const got = await Promise.all(draws.map((d, b) => scorer.drawNext(windows.subarray(b * 4, (b + 1) * 4), d)));
          got.forEach((id, b) => {
            const logs = Array.from(want.subarray(b * slice.vocabSize, (b + 1) * slice.vocabSize), (p) =>
              Math.log(Math.max(p, 1e-30)),
            );
            const ref = referenceDraw(logs, draws[b]);
            for (const banned of shape.banned) expect(id).not.toBe(banned);
            if (shape.breakInto >= 0) expect(id).not.toBe(BREAK_ID);
            if (id === BREAK_ID) breaks++;
            if (ref.margin > 1e-5) {
              expect(id, `window ${b}, T ${temperature}, ${JSON.stringify(shape)}`).toBe(ref.index);
              checked++;
            }
          });
        }
      }
      expect(checked).toBeGreaterThan(batch * 16 * 0.9);
      // Unmasked rows do end quatrains: the model gives the break marker real mass.
      expect(breaks).toBeGreaterThan(0);
      scorer.dispose();
    });
  }

  it("gives every word its model probability (empirical frequencies of many draws from one window)", async () => {
    const scorer = fastScorer(model, { helperThread: false });
    const window = slice.validation.inputs.slice(0, 4);
    const probs = predicted(window, 1);
    const rand = seededRandom(5);
    const n = 4000;
    const counts = new Map<number, number>();
    for (let k = 0; k < n; k += 200) {
      const ids = await Promise.all(
        Array.from({ length: 200 }, () => scorer.drawNext(window, { ...plain, temperature: 1, uniform: rand() })),
      );
      for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    for (const [id, c] of counts) {
      const p = probs[id];
      expect(p, `word ${id} drawn ${c} times`).toBeGreaterThan(0);
      expect(Math.abs(c / n - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / n) + 1e-3);
    }
    scorer.dispose();
  });

  it("rejects class ids outside the vocabulary", async () => {
    const scorer = fastScorer(model, { helperThread: false });
    await expect(
      scorer.drawNext(Int32Array.of(0, 1, 2, slice.vocabSize), { ...plain, temperature: 1, uniform: 0.5 }),
    ).rejects.toThrow(/not in \[0/);
    await expect(scorer.scores(Int32Array.of(-1, 1, 2, 3), 1)).rejects.toThrow(/not in \[0/);
    scorer.dispose();
  });

  it("samples the same quatrains with its helper thread on the second core as without it", async () => {
    const alone = fastScorer(model, { helperThread: false });
    const helped = fastScorer(model, { helperFrom: 2 });
    expect(await helped.startHelper()).toBe(true);
    const draw = (scorer: typeof alone) =>
      Promise.all(
        Array.from({ length: 16 }, (_, i) =>
          sampleTokens(scorer, { temperature: 0.9, minWords: 6, maxWords: 30, random: modelRandom(`q${i}`) }),
        ),
      );
    const want = await draw(alone);
    const got = await draw(helped);
    expect(got).toEqual(want);
    for (const q of got) expect(q.length).toBeGreaterThanOrEqual(6);
    alone.dispose();
    helped.dispose();
  });
});
