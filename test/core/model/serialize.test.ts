import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import {
  buildModel,
  classWeights,
  exportModel,
  importModel,
  lossAndGradients,
  trainModel,
} from "../../../core/model/index.ts";
import { corpusSlice, smallModel, type Slice } from "./fixture.ts";

let slice: Slice;
let model: tf.LayersModel;
beforeAll(async () => {
  slice = await corpusSlice(60);
  model = buildModel(smallModel(slice.vocab.words.length));
  await trainModel(model, slice.train, slice.validation, {
    epochs: 1,
    batchSize: 64,
    learningRate: 0.003,
    seed: 1,
    classWeights: classWeights(slice.vocab.counts, 0.5),
  });
});

/** As a database stores it: JSON columns and a byte column. */
async function throughStorage(m: tf.LayersModel) {
  const artifacts = await exportModel(m);
  return {
    topology: JSON.parse(JSON.stringify(artifacts.topology)) as object,
    weightSpecs: JSON.parse(JSON.stringify(artifacts.weightSpecs)) as object[],
    weights: artifacts.weights,
  };
}

describe("exportModel / importModel", () => {
  it("save → load gives identical predictions", async () => {
    const loaded = await importModel(await throughStorage(model));
    const inputs = tf.tensor2d(slice.validation.inputs, [slice.validation.count, 4], "int32");
    const expected = (model.predict(inputs) as tf.Tensor).dataSync();
    const actual = (loaded.predict(inputs) as tf.Tensor).dataSync();
    expect(actual).toEqual(expected);
    tf.dispose(inputs);
  });

  it("keeps the weights byte for byte, and accepts weights that are a view on a larger buffer", async () => {
    const stored = await throughStorage(model);
    const padded = new Uint8Array(stored.weights.length + 16);
    padded.set(stored.weights, 8);
    const loaded = await importModel({ ...stored, weights: padded.subarray(8, 8 + stored.weights.length) });
    const original = model.getWeights().map((w) => [...w.dataSync()]);
    expect(loaded.getWeights().map((w) => [...w.dataSync()])).toEqual(original);
    const floats = model.getWeights().reduce((n, w) => n + w.size, 0);
    expect(stored.weights.byteLength).toBe(floats * 4);
  });

  it("the loaded model keeps its architecture: dropout, L2 and layer names (warm start can train it)", async () => {
    const loaded = await importModel(await throughStorage(model));
    expect(loaded.layers.map((l) => l.name)).toEqual(["embedding", "gru", "dense"]);
    const config = loaded.getLayer("gru").getConfig();
    expect(config.dropout).toBe(0.5);
    expect(config.recurrentDropout).toBe(0.5);
    expect((config.kernelRegularizer as { config: { l2: number } }).config.l2).toBeCloseTo(0.02);
    const inputs = tf.tensor2d(slice.train.inputs.subarray(0, 64 * 4), [64, 4], "int32");
    const targets = tf.tensor1d(slice.train.targets.subarray(0, 64), "int32");
    const weights = tf.tensor1d(classWeights(slice.vocab.counts, 0.5));
    const { loss, grads } = lossAndGradients(loaded, inputs, targets, weights);
    expect(Number.isFinite(loss)).toBe(true);
    expect(Object.keys(grads)).toHaveLength(6);
    tf.dispose([inputs, targets, weights, ...Object.values(grads)]);
  });
});
