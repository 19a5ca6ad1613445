import { beforeAll, describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../../../core/tf/backend.ts";
import { fastScorer } from "../../../core/tf/fast-scorer.ts";
import { buildModel, modelScorer, sampleTokens, seededRandom as modelRandom, softmaxWithTemperature, localStep } from "../../../core/model/index.ts";
import { corpusSlice, type Slice } from "./corpus-slice.ts";
import { maxAbsDiff, randomInt, seededRandom } from "./random.ts";

let slice: Slice;
let model: tf.LayersModel;

beforeAll(async () => {
  await initBackend({ preference: "wasm" });
  slice = await corpusSlice(120);
  model = buildModel({ vocabSize: slice.vocabSize, embeddingDim: 20, phraseLength: 4, units: 24, dropout: 0.5, recurrentDropout: 0.5, l2: 0.02, seed: 4 });
  // Train a little so the distributions are far from uniform.
  const local = localStep(model, { learningRate: 0.01, classWeights: slice.classWeights });
  for (let i = 0; i + 256 <= slice.train.count && i < 256 * 12; i += 256) {
    await local.step({ inputs: slice.train.inputs.subarray(i * 4, (i + 256) * 4), targets: slice.train.targets.subarray(i, i + 256), size: 256, phraseLength: 4 });
  }
  local.dispose();
});

/** model.predict's probabilities for the windows. */
function predicted(windows: Int32Array, batch: number): Float32Array {
  return tf.tidy(() => (model.predict(tf.tensor2d(windows, [batch, 4], "int32")) as tf.Tensor).dataSync() as Float32Array);
}

describe("fastScorer", () => {
  it("gives model.predict's next-word distribution on real and random windows", async () => {
    const scorer = fastScorer(model);
    expect([scorer.vocabSize, scorer.phraseLength]).toEqual([slice.vocabSize, 4]);
    const rand = seededRandom(3);
    const batch = 64;
    const windows = Int32Array.from({ length: batch * 4 }, (_, i) =>
      i < 32 * 4 ? slice.validation.inputs[i]! : randomInt(rand, 0, slice.vocabSize - 1));
    const want = predicted(windows, batch);
    const got = await scorer.scores(windows, batch);
    expect(got.length).toBe(batch * slice.vocabSize);
    let peak = 0;
    for (let b = 0; b < batch; b++) {
      const row = (a: Float32Array) => a.subarray(b * slice.vocabSize, (b + 1) * slice.vocabSize);
      const probs = softmaxWithTemperature(row(got), 1);
      expect(maxAbsDiff(probs, row(want)), `window ${b}`).toBeLessThan(1e-5);
      peak = Math.max(peak, ...row(want));
    }
    expect(peak).toBeGreaterThan(20 / slice.vocabSize); // not a near-uniform model
    scorer.dispose();
  });

  it("scores concurrent requests in one batch, each getting its own rows", async () => {
    const scorer = fastScorer(model);
    const rand = seededRandom(8);
    const requests = Array.from({ length: 20 }, () => Int32Array.from({ length: 4 }, () => randomInt(rand, 0, slice.vocabSize - 1)));
    const spy = tf.memory().numTensors;
    const results = await Promise.all(requests.map((w) => scorer.scores(w, 1)));
    expect(tf.memory().numTensors).toBe(spy);
    const alone = await scorer.scores(requests[7]!, 1);
    expect(maxAbsDiff(results[7]!, alone)).toBeLessThan(1e-6);
    const all = new Int32Array(requests.length * 4);
    requests.forEach((w, i) => all.set(w, i * 4));
    const want = predicted(all, requests.length);
    results.forEach((scores, i) => {
      expect(maxAbsDiff(softmaxWithTemperature(scores, 1), want.subarray(i * slice.vocabSize, (i + 1) * slice.vocabSize))).toBeLessThan(1e-5);
    });
    scorer.dispose();
  });

  it("samples the same quatrain as the model scorer with the same seed", async () => {
    const scorer = fastScorer(model);
    for (const temperature of [0, 0.7, 1.3]) {
      const viaModel = await sampleTokens(modelScorer(model), { temperature, maxWords: 40, random: modelRandom(11) });
      const viaFast = await sampleTokens(scorer, { temperature, maxWords: 40, random: modelRandom(11) });
      expect(viaFast).toEqual(viaModel);
    }
    scorer.dispose();
    await expect(scorer.scores(new Int32Array(4), 1)).rejects.toThrow(/after dispose/);
  });
});
