import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import {
  buildModel,
  classWeights,
  evaluate,
  localStep,
  lossAndGradients,
  selectExamples,
  trainableVariableNames,
  trainModel,
  type TrainStep,
} from "../../../core/model/index.ts";
import { corpusSlice, smallModel, type Slice } from "./fixture.ts";

let slice: Slice;
beforeAll(async () => {
  slice = await corpusSlice(120);
});

const batchTensors = (s: Slice, n: number) => {
  const ex = selectExamples(
    s.train,
    Array.from({ length: n }, (_, i) => i),
  );
  return { inputs: tf.tensor2d(ex.inputs, [n, 4], "int32"), targets: tf.tensor1d(ex.targets, "int32") };
};

describe("lossAndGradients", () => {
  it("is mean(classWeight · crossentropy) + the L2 penalties, with gradients keyed by variable name", () => {
    const V = slice.vocab.words.length;
    const model = buildModel(smallModel(V, { dropout: 0, recurrentDropout: 0, l2: 0.02 }));
    const weights = classWeights(slice.vocab.counts, 0.5);
    const { inputs, targets } = batchTensors(slice, 32);
    const weightTensor = tf.tensor1d(weights);
    const { loss, acc, grads } = lossAndGradients(model, inputs, targets, weightTensor);

    const probs = (model.predict(inputs) as tf.Tensor2D).arraySync();
    const ys = targets.arraySync();
    const dataLoss = ys.reduce((sum, y, i) => sum + weights[y] * -Math.log(probs[i][y]), 0) / ys.length;
    const gru = model.getLayer("gru").getWeights();
    const l2 = gru.reduce((sum, w) => sum + 0.02 * tf.sum(tf.square(w)).dataSync()[0], 0);
    expect(loss).toBeCloseTo(dataLoss + l2, 3);
    const argMaxHits = ys.filter((y, i) => probs[i].indexOf(Math.max(...probs[i])) === y).length;
    expect(acc).toBeCloseTo(argMaxHits / ys.length, 6);

    expect(Object.keys(grads)).toEqual(trainableVariableNames(model));
    model.trainableWeights.forEach((w) => expect(grads[(w.read() as tf.Variable).name].shape).toEqual(w.shape));

    // A small step against the gradient lowers the loss: the gradient is the loss's.
    const sgd = tf.train.sgd(0.01);
    sgd.applyGradients(grads);
    const after = lossAndGradients(model, inputs, targets, weightTensor);
    expect(after.loss).toBeLessThan(loss);
    tf.dispose([inputs, targets, weightTensor, ...Object.values(grads), ...Object.values(after.grads)]);
    sgd.dispose();
  });
});

describe("dropout", () => {
  it("is on in lossAndGradients (training) and off in evaluate (inference)", async () => {
    const model = buildModel(smallModel(slice.vocab.words.length, { dropout: 0.9, recurrentDropout: 0.9 }));
    const { inputs, targets } = batchTensors(slice, 32);
    const weights = tf.tensor1d(classWeights(slice.vocab.counts, 0));
    const losses = [0, 1, 2].map(() => {
      const { loss, grads } = lossAndGradients(model, inputs, targets, weights);
      tf.dispose(Object.values(grads));
      return loss;
    });
    expect(new Set(losses).size).toBeGreaterThan(1);
    expect(await evaluate(model, slice.validation, 64)).toEqual(await evaluate(model, slice.validation, 64));
    tf.dispose([inputs, targets, weights]);
  });
});

describe("evaluate", () => {
  it("is the unweighted crossentropy and accuracy without dropout, independent of the batch size", async () => {
    const model = buildModel(smallModel(slice.vocab.words.length));
    const small = await evaluate(model, slice.validation, 7);
    const large = await evaluate(model, slice.validation, 4096);
    expect(small.loss).toBeCloseTo(large.loss, 4);
    expect(small.acc).toBeCloseTo(large.acc, 6);
    // An untrained model is near uniform: crossentropy ≈ ln V.
    expect(Math.abs(large.loss - Math.log(slice.vocab.words.length))).toBeLessThan(0.2);
  });
});

describe("trainModel", () => {
  it("a short run lowers the validation loss and reports every epoch", async () => {
    const model = buildModel(smallModel(slice.vocab.words.length));
    const before = (await evaluate(model, slice.validation, 1024)).loss;
    const seen: number[] = [];
    const result = await trainModel(model, slice.train, slice.validation, {
      epochs: 3,
      batchSize: 64,
      learningRate: 0.003,
      seed: 1,
      classWeights: classWeights(slice.vocab.counts, 0.5),
      onEpochEnd: (m) => {
        seen.push(m.epoch);
      },
    });
    expect(result.stopped).toBe(false);
    expect(seen).toEqual([1, 2, 3]);
    expect(result.epochs.map((e) => e.epoch)).toEqual([1, 2, 3]);
    const last = result.epochs[2];
    expect(last.valLoss).toBeLessThan(before - 0.5);
    expect(last.valAcc).toBeGreaterThan(0);
    expect(last.seconds).toBeGreaterThan(0);
    expect(result.epochs[2].loss).toBeLessThan(result.epochs[0].loss);
  });

  it("checks shouldStop after every batch and stops there", async () => {
    const model = buildModel(smallModel(slice.vocab.words.length));
    let batches = 0;
    const result = await trainModel(model, slice.train, slice.validation, {
      epochs: 2,
      batchSize: 64,
      learningRate: 0.003,
      seed: 1,
      classWeights: classWeights(slice.vocab.counts, 0.5),
      onBatchEnd: () => {
        batches++;
      },
      shouldStop: () => batches >= 3,
    });
    expect(result).toEqual({ epochs: [], stopped: true });
    expect(batches).toBe(3);
  });

  it("runs a replacement step on every batch, each example once per epoch", async () => {
    const model = buildModel(smallModel(slice.vocab.words.length));
    const local = localStep(model, { learningRate: 0.003, classWeights: classWeights(slice.vocab.counts, 0.5) });
    const sizes: number[] = [];
    const targetCounts = new Map<number, number>();
    const step: TrainStep = (batch) => {
      sizes.push(batch.size);
      for (const t of batch.targets) targetCounts.set(t, (targetCounts.get(t) ?? 0) + 1);
      return local.step(batch);
    };
    await trainModel(model, slice.train, slice.validation, {
      epochs: 1,
      batchSize: 100,
      learningRate: 0.003,
      seed: 1,
      classWeights: new Float32Array(0),
      step,
    });
    local.dispose();
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(slice.train.count);
    expect(sizes.slice(0, -1).every((s) => s === 100)).toBe(true);
    const expected = new Map<number, number>();
    for (const t of slice.train.targets) expected.set(t, (expected.get(t) ?? 0) + 1);
    expect(targetCounts).toEqual(expected);
  });

  it("leaks no tensors across runs", async () => {
    const model = buildModel(smallModel(slice.vocab.words.length));
    const opts = {
      epochs: 1,
      batchSize: 128,
      learningRate: 0.003,
      seed: 1,
      classWeights: classWeights(slice.vocab.counts, 0.5),
    };
    await trainModel(model, slice.train, slice.validation, opts); // the GRU keeps its last dropout masks
    const settled = tf.memory().numTensors;
    await trainModel(model, slice.train, slice.validation, opts);
    expect(tf.memory().numTensors).toBe(settled);
  });
});
