import { beforeAll, describe, expect, it } from "vitest";
import type * as tf from "@tensorflow/tfjs";
import { initBackend } from "../../../core/tf/backend.ts";
import { sequenceSampler } from "../../../core/tf/sequence-sampler.ts";
import {
  BREAK_ID,
  buildSequenceModel,
  makeSequenceExamples,
  modelSequenceSampler,
  sampleTokens,
  samplingVocabulary,
  seededRandom,
  trainModel,
  type SequenceModelOptions,
} from "../../../core/model/index.ts";
import { corpusSlice, type Slice } from "../../helpers/corpus-slice.ts";
import { maxAbsDiff } from "./random.ts";

const softmax = (scores: ArrayLike<number>) => {
  const max = Math.max(...Array.from(scores));
  const e = Array.from(scores, (x) => Math.exp(x - max));
  const sum = e.reduce((a, b) => a + b, 0);
  return Float64Array.from(e, (x) => x / sum);
};

let slice: Slice;
const models: tf.LayersModel[] = [];

beforeAll(async () => {
  await initBackend({ preference: "wasm" });
  slice = await corpusSlice(120);
  const base = { vocabSize: slice.vocabSize, embeddingDim: 16, units: 20, dropout: 0.1, seed: 8 };
  for (const opts of [
    { ...base, layers: 1, tied: true },
    { ...base, layers: 2, tied: false },
  ] satisfies SequenceModelOptions[]) {
    const model = buildSequenceModel(opts);
    // Trained a little, so the distributions are far from uniform.
    const examples = makeSequenceExamples(slice.docs);
    await trainModel(model, examples, makeSequenceExamples(slice.docs.slice(0, 8)), {
      epochs: 2,
      batchSize: 16,
      learningRate: 0.01,
      seed: 1,
      classWeights: new Float32Array(slice.vocabSize).fill(1),
    });
    models.push(model);
  }
});

describe("the sequence sampler (carried GRU state)", () => {
  it("gives, after every prefix, the next-word distribution of the model run over the whole prefix (concurrent streams batched)", async () => {
    for (const [m, model] of models.entries()) {
      const fast = sequenceSampler(model);
      const reference = modelSequenceSampler(model);
      try {
        const quatrains = slice.docs.slice(0, 6).map((d) => d.slice(0, 14));
        await Promise.all(
          quatrains.map(async (doc, q) => {
            const a = fast.open();
            const b = reference.open();
            let unread = [BREAK_ID];
            for (const token of doc) {
              await Promise.all([a.next(unread), b.next(unread)]);
              const [got, want] = await Promise.all([a.scores(), b.scores()]);
              expect(maxAbsDiff(softmax(got), softmax(want)), `model ${m}, quatrain ${q}`).toBeLessThan(1e-5);
              unread = [token];
            }
            a.close();
            b.close();
          }),
        );
      } finally {
        fast.dispose();
      }
    }
  });

  it("samples the same quatrains as the reference for the same seeds, under the sampler's rules", async () => {
    const [model] = models;
    const fast = sequenceSampler(model);
    const vocabulary = samplingVocabulary(slice.vocab.words, slice.docs);
    const rules = {
      topK: 0,
      topP: 1,
      noImmediateRepeat: true,
      punctuationRules: true,
      endOnTerminal: true,
      presencePenalty: 2,
      repeatAllowance: 1.2,
    };
    try {
      const draw = (scorer: Parameters<typeof sampleTokens>[0], seed: number) =>
        sampleTokens(scorer, {
          temperature: 1,
          maxWords: 30,
          minWords: 5,
          prefix: seed === 2 ? [slice.docs[0][0]] : undefined,
          random: seededRandom(seed),
          rules,
          vocabulary,
        });
      const seeds = [1, 2, 3, 4];
      const got = await Promise.all(seeds.map((s) => draw(fast, s)));
      const want = await Promise.all(seeds.map((s) => draw(modelSequenceSampler(model), s)));
      expect(got).toEqual(want);
      expect(got[1][0]).toBe(slice.docs[0][0]);
      for (const q of got) {
        expect(q.length).toBeLessThanOrEqual(30);
        expect(q).not.toContain(BREAK_ID);
      }
    } finally {
      fast.dispose();
    }
  });

  it("draws the same quatrains when a helper thread steps part of each pass (the states travel with it)", async () => {
    const vocabulary = samplingVocabulary(slice.vocab.words, slice.docs);
    const rules = { topK: 0, topP: 1, noImmediateRepeat: true, punctuationRules: true, endOnTerminal: true };
    const alone = sequenceSampler(models[1], { helperThread: false });
    const helped = sequenceSampler(models[1], { helperFrom: 2 });
    try {
      expect(await helped.startHelper()).toBe(true);
      const draw = (scorer: Parameters<typeof sampleTokens>[0], seed: number) =>
        sampleTokens(scorer, { temperature: 1, maxWords: 24, random: seededRandom(seed), rules, vocabulary });
      const seeds = Array.from({ length: 12 }, (_, i) => i + 10);
      const want = await Promise.all(seeds.map((s) => draw(alone, s)));
      const got = await Promise.all(seeds.map((s) => draw(helped, s)));
      expect(got).toEqual(want);
    } finally {
      alone.dispose();
      helped.dispose();
    }
  });

  it("refuses ids outside the vocabulary and use after dispose", async () => {
    const fast = sequenceSampler(models[0]);
    const stream = fast.open();
    await expect(stream.next([slice.vocabSize])).rejects.toThrow(/not in/);
    fast.dispose();
    await expect(stream.next([BREAK_ID])).rejects.toThrow(/dispose/);
  });
});
