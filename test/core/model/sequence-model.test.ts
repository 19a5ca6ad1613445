import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import {
  buildModel,
  buildSequenceModel,
  evaluate,
  exportModel,
  importModel,
  isSequenceModel,
  lossAndGradients,
  makeSequenceExamples,
  modelOfVersion,
  trainableVariableNames,
  trainModel,
  type SequenceModelOptions,
} from "../../../core/model/index.ts";
import { initBackend } from "../../../core/tf/backend.ts";
import { gruSequenceKernels } from "../../../core/tf/kernels/gru-sequence.ts";
import { sparseCrossEntropyKernels } from "../../../core/tf/kernels/sparse-cross-entropy.ts";
import { parallelStep } from "../../../core/tf/parallel/parallel-step.ts";
import { trainingData } from "../../../core/training/training-data.ts";
import { corpusSlice, type Slice } from "./fixture.ts";
import { maxAbsDiff } from "../tf/random.ts";

let slice: Slice;
beforeAll(async () => {
  slice = await corpusSlice(120);
});

const options = (overrides: Partial<SequenceModelOptions> = {}): SequenceModelOptions => ({
  vocabSize: slice.vocabSize,
  embeddingDim: 16,
  units: 12,
  layers: 1,
  dropout: 0,
  tied: true,
  seed: 5,
  ...overrides,
});

/** The first `n` quatrains of the slice as one batch of whole sequences. */
function batch(n: number) {
  const ex = makeSequenceExamples(slice.docs.slice(0, n));
  const T = ex.phraseLength;
  return {
    ex,
    inputs: tf.tensor2d(ex.inputs, [n, T], "int32"),
    targets: tf.tensor2d(ex.targets, [n, T], "int32"),
  };
}

/** Loss and gradients (by weight index) of one batch on the current backend. */
function lossOf(model: tf.LayersModel, n: number, weights: Float32Array) {
  const { inputs, targets } = batch(n);
  const cw = tf.tensor1d(weights);
  const { loss, acc, grads } = lossAndGradients(model, inputs, targets, cw);
  const names = trainableVariableNames(model);
  const out = { loss, acc, grads: names.map((name) => grads[name].dataSync() as Float32Array), names };
  tf.dispose([inputs, targets, cw, ...Object.values(grads)]);
  return out;
}

describe("the sequence model's loss", () => {
  it("is the mean crossentropy of every real position, teacher-forced, padding excluded (hand-computed from predict)", () => {
    const model = buildSequenceModel(options());
    const { ex, inputs } = batch(3);
    const ones = new Float32Array(slice.vocabSize).fill(1);
    const { loss, acc } = lossOf(model, 3, ones);
    const probs = tf.softmax(model.predict(inputs) as tf.Tensor3D).arraySync();
    let sum = 0;
    let hits = 0;
    let n = 0;
    const T = ex.phraseLength;
    for (let b = 0; b < 3; b++)
      for (let t = 0; t < ex.lengths![b]; t++) {
        const y = ex.targets[b * T + t];
        const row = probs[b][t];
        sum -= Math.log(row[y]);
        if (row.indexOf(Math.max(...row)) === y) hits++;
        n++;
      }
    // The end-of-quatrain token (the break marker) is one of the targets of every quatrain.
    expect(ex.targets[ex.lengths![0] - 1]).toBe(0);
    expect(loss).toBeCloseTo(sum / n, 4);
    expect(acc).toBeCloseTo(hits / n, 6);
    inputs.dispose();
  });

  it("and its gradients on wasm with the project's kernels equal the stock cpu ops' (tied and untied, 2 layers)", async () => {
    const weights = Float32Array.from(slice.classWeights);
    for (const opts of [options(), options({ tied: false, layers: 2 })]) {
      await initBackend({ preference: "cpu" });
      // The stock ops: the project's sequence kernels taken off cpu for this measurement.
      const names = [...gruSequenceKernels("cpu"), ...sparseCrossEntropyKernels("cpu")].map((k) => k.kernelName);
      names.forEach((name) => tf.unregisterKernel(name, "cpu"));
      const stock = buildSequenceModel(opts);
      const want = lossOf(stock, 5, weights);
      const initial = stock.getWeights().map((w) => w.dataSync());
      [...gruSequenceKernels("cpu"), ...sparseCrossEntropyKernels("cpu")].forEach((k) => tf.registerKernel(k));
      await initBackend({ preference: "wasm" });
      const model = buildSequenceModel(opts);
      model.setWeights(initial.map((w, i) => tf.tensor(w, model.weights[i].shape as number[])));
      const got = lossOf(model, 5, weights);
      expect(got.loss).toBeCloseTo(want.loss, 5);
      expect(got.names.length).toBe(want.names.length);
      got.grads.forEach((g, i) => {
        const scale = Math.max(1e-3, ...want.grads[i].map(Math.abs));
        expect(maxAbsDiff(g, want.grads[i]) / scale, `gradient ${i}`).toBeLessThan(1e-4);
      });
    }
  });
});

describe("training the sequence model", () => {
  it("lowers the validation loss of whole quatrains in a short run, on 2 threads as on 1", async () => {
    const data = trainingData(slice.docs, slice.vocab.words, slice.vocab.counts, {
      architecture: "sequence",
      phraseLength: 4,
      validationFraction: 0.1,
      seed: 42,
      testFraction: 0,
      testSeed: 0,
      classWeightPower: 0,
    });
    expect(data.train.lengths).toBeDefined();
    const run = async (threads: number) => {
      const model = buildSequenceModel(options({ units: 24, dropout: 0.1 }));
      const untrained = (await evaluate(model, data.validation, 512)).loss;
      const step =
        threads > 1
          ? await parallelStep(model, { learningRate: 0.01, classWeights: data.classWeights, threads, backend: "wasm" })
          : undefined;
      try {
        const result = await trainModel(model, data.train, data.validation, {
          epochs: 3,
          batchSize: 16,
          learningRate: 0.01,
          seed: 1,
          classWeights: data.classWeights,
          step: step?.step,
        });
        return [untrained, ...result.epochs.map((e) => e.valLoss)];
      } finally {
        await step?.dispose();
        model.dispose();
      }
    };
    for (const threads of [1, 2]) {
      const losses = await run(threads);
      expect(losses.at(-1)!, `${threads} threads`).toBeLessThan(losses[0] - 0.5);
    }
  });
});

describe("stored sequence models", () => {
  it("load back as sequence models that predict exactly as saved; a version naming the wrong architecture is refused", async () => {
    await initBackend({ preference: "wasm" });
    const model = buildSequenceModel(options({ layers: 2, tied: false, dropout: 0.3 }));
    const artifacts = await exportModel(model);
    const loaded = await modelOfVersion({ ...artifacts, hyperParams: { architecture: "sequence" } });
    expect(isSequenceModel(loaded)).toBe(true);
    const two = makeSequenceExamples(slice.docs.slice(0, 2));
    const ids = tf.tensor2d(two.inputs, [2, two.phraseLength], "int32");
    expect(
      maxAbsDiff((loaded.predict(ids) as tf.Tensor).dataSync(), (model.predict(ids) as tf.Tensor).dataSync()),
    ).toBe(0);
    // A window version stored before the sequence model (no architecture named) still loads as one.
    const window = buildModel({
      vocabSize: slice.vocabSize,
      embeddingDim: 8,
      phraseLength: 4,
      units: 8,
      dropout: 0,
      recurrentDropout: 0,
      l2: 0,
    });
    const old = await modelOfVersion({ ...(await exportModel(window)), hyperParams: { units: 8 } });
    expect(isSequenceModel(old)).toBe(false);
    await expect(modelOfVersion({ ...artifacts, hyperParams: { units: 12 } })).rejects.toThrow(/window model/);
    const again = await importModel(artifacts);
    expect(isSequenceModel(again)).toBe(true);
  });
});
