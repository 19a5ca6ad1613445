import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import {
  buildModel,
  classWeights,
  modelScorer,
  sampleTokens,
  seededRandom,
  trainModel,
  type NextWordScorer,
} from "../../../core/model/index.ts";
import { corpusSlice, smallModel, type Slice } from "./fixture.ts";

/** softmax(scores / t) and its referenceEntropy, written out here as the reference. */
const referenceSoftmax = (scores: ArrayLike<number>, t: number) => {
  const max = Math.max(...Array.from(scores));
  const e = Array.from(scores, (s) => Math.exp((s - max) / t));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / sum);
};
const referenceEntropy = (p: number[]) => -p.reduce((h, x) => h + (x > 0 ? x * Math.log(x) : 0), 0);

let slice: Slice;
let model: tf.LayersModel;
let scorer: NextWordScorer;
const START = new Int32Array(4); // all break markers: the window every quatrain starts from

beforeAll(async () => {
  slice = await corpusSlice(120);
  // No dropout: tfjs draws dropout masks unseeded, and these tests need the same model every run.
  model = buildModel(smallModel(slice.vocab.words.length, { dropout: 0, recurrentDropout: 0 }));
  await trainModel(model, slice.train, slice.validation, {
    epochs: 3,
    batchSize: 64,
    learningRate: 0.003,
    seed: 1,
    classWeights: classWeights(slice.vocab.counts, 0.5),
  });
  scorer = modelScorer(model);
});

describe("modelScorer", () => {
  it("scores whose softmax is model.predict's distribution, for a batch of windows", async () => {
    const windows = slice.validation.inputs.subarray(0, 3 * 4);
    const scores = await scorer.scores(windows, 3);
    const probs = (model.predict(tf.tensor2d(windows, [3, 4], "int32")) as tf.Tensor2D).arraySync();
    const V = scorer.vocabSize;
    expect(scorer.phraseLength).toBe(4);
    for (let row = 0; row < 3; row++) {
      const p = referenceSoftmax(scores.subarray(row * V, (row + 1) * V), 1);
      for (let v = 0; v < V; v += 97) expect(p[v]).toBeCloseTo(probs[row][v], 6);
    }
  });
});

describe("sampleTokens with a trained model", () => {
  it("at temperature 0.01 draws the arg-max word", async () => {
    const scores = await scorer.scores(START, 1);
    const argMax = scores.indexOf(Math.max(...scores));
    const sorted = [...scores].sort((a, b) => b - a);
    // The test means something only when the best word stands out at T = 0.01.
    expect(sorted[0] - sorted[1]).toBeGreaterThan(0.1);
    for (let seed = 0; seed < 20; seed++) {
      const [first] = await sampleTokens(scorer, { temperature: 0.01, maxWords: 1, random: seededRandom(seed) });
      expect(first).toBe(argMax);
    }
  });

  it("a higher temperature gives a higher-referenceEntropy distribution and more varied words", async () => {
    const scores = await scorer.scores(START, 1);
    const h = [0.1, 0.5, 1, 1.5, 2].map((t) => referenceEntropy(referenceSoftmax(scores, t)));
    for (let i = 1; i < h.length; i++) expect(h[i]).toBeGreaterThan(h[i - 1]);
    const distinct = async (temperature: number) => {
      const random = seededRandom(7);
      const firsts = new Set<number>();
      for (let i = 0; i < 60; i++) firsts.add((await sampleTokens(scorer, { temperature, maxWords: 1, random }))[0]);
      return firsts.size;
    };
    expect(await distinct(2)).toBeGreaterThan(await distinct(0.3));
  });

  it("is reproducible for a seed and ends within maxWords without break markers", async () => {
    const a = await sampleTokens(scorer, { temperature: 1, maxWords: 40, random: seededRandom(3) });
    const b = await sampleTokens(scorer, { temperature: 1, maxWords: 40, random: seededRandom(3) });
    expect(a).toEqual(b);
    expect(a.length).toBeLessThanOrEqual(40);
    expect(a).not.toContain(0);
  });
});
