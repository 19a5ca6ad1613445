import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { buildModel, localStep } from "../../../core/model/index.ts";
import { initBackend } from "../../../core/tf/backend.ts";
import { heldOutPerplexities, unknownWords } from "../../../core/training/held-out.ts";
import { trainingData, type TrainingData } from "../../../core/training/training-data.ts";
import { readCorpus } from "../../../core/corpus/index.ts";
import { prepareCorpus } from "../../../core/training/prepare-corpus.ts";
import { testCorpusPath } from "../../helpers/paths.ts";

let data: TrainingData;
let model: tf.LayersModel;
let V: number;

beforeAll(async () => {
  await initBackend({ preference: "wasm" });
  const corpus = await readCorpus(testCorpusPath);
  const prepared = prepareCorpus({ ...corpus, documents: corpus.documents.slice(0, 150) });
  V = prepared.vocabulary.words.length;
  data = trainingData(prepared.docsAsIds, prepared.vocabulary.words, prepared.vocabulary.counts, {
    phraseLength: 4,
    validationFraction: 0.1,
    seed: 1,
    testFraction: 0.1,
    testSeed: 2017,
    classWeightPower: 0,
  });
  model = buildModel({
    vocabSize: V,
    embeddingDim: 16,
    phraseLength: 4,
    units: 24,
    dropout: 0,
    recurrentDropout: 0,
    l2: 0,
    seed: 2,
  });
  const local = localStep(model, { learningRate: 0.01, classWeights: data.classWeights });
  for (let i = 0; i + 256 <= data.train.count && i < 256 * 10; i += 256) {
    await local.step({
      inputs: data.train.inputs.subarray(i * 4, (i + 256) * 4),
      targets: data.train.targets.subarray(i, i + 256),
      size: 256,
      phraseLength: 4,
    });
  }
  local.dispose();
});

describe("heldOutPerplexities", () => {
  it("scores the GRU on the test quatrains with every word the training part lacks pooled into one class", () => {
    const held = heldOutPerplexities(model, data, { vocabSize: V, valLoss: 5, batchSize: 100 });
    const unknown = unknownWords(data.train, V);
    const trainTargets = new Set(data.train.targets);
    const expectedUnknown = data.test.targets.filter((t) => !trainTargets.has(t)).length;
    expect(expectedUnknown).toBeGreaterThan(0); // the slice is small: test quatrains have words training never saw
    expect(held.testUnknownTokens).toBe(expectedUnknown);
    expect(held.testTokens).toBe(data.test.count);
    // The same figure written out from model.predict.
    const probs = tf.tidy(() =>
      (model.predict(tf.tensor2d(data.test.inputs, [data.test.count, 4], "int32")) as tf.Tensor).dataSync(),
    );
    let nll = 0;
    for (let i = 0; i < data.test.count; i++) {
      const t = data.test.targets[i];
      let p = 0;
      if (unknown[t]) for (let w = 0; w < V; w++) p += unknown[w] ? probs[i * V + w] : 0;
      else p = probs[i * V + t]!;
      nll -= Math.log(p);
    }
    expect(held.testPerplexity).toBeCloseTo(Math.exp(nll / data.test.count), 2);
    expect(held.perplexity).toBeCloseTo(Math.exp(5), 9);
  });

  it("scores the trigram on the same test tokens, the same unknown class, and on validation", () => {
    const held = heldOutPerplexities(model, data, { vocabSize: V, valLoss: 5, batchSize: 100 });
    for (const ppl of [held.testKneserNeyPerplexity, held.kneserNeyPerplexity, held.testPerplexity]) {
      expect(ppl).toBeGreaterThan(1);
      expect(ppl).toBeLessThan(V);
    }
  });
});
