import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { buildModel } from "../../../core/model/index.ts";
import { initBackend } from "../../../core/tf/backend.ts";

const options = {
  vocabSize: 50,
  embeddingDim: 8,
  phraseLength: 4,
  units: 16,
  dropout: 0.5,
  recurrentDropout: 0.5,
  l2: 0.02,
  seed: 7,
};

describe("buildModel", () => {
  beforeAll(async () => {
    await initBackend({ preference: "wasm" });
  });

  it("starts the GRU's recurrent kernel orthogonal (rows orthonormal), like Keras", () => {
    const model = buildModel(options);
    const recurrent = model.getLayer("gru").getWeights()[1];
    expect(recurrent.shape).toEqual([16, 48]);
    const gram = tf.matMul(recurrent, recurrent, false, true);
    expect(tf.max(tf.abs(tf.sub(gram, tf.eye(16)))).dataSync()[0]).toBeLessThan(1e-5);
    model.dispose();
  });

  it("is reproducible from its seed", () => {
    const [a, b] = [buildModel(options), buildModel(options)];
    const c = buildModel({ ...options, seed: 8 });
    const weights = (m: tf.LayersModel) => m.getWeights().map((w) => Array.from(w.dataSync()));
    expect(weights(a)).toEqual(weights(b));
    expect(weights(c)[2]).not.toEqual(weights(a)[2]);
    [a, b, c].forEach((m) => m.dispose());
  });

  it("uses the given embedding matrix", () => {
    const embeddings = Float32Array.from({ length: 50 * 8 }, (_, i) => i / 400);
    const model = buildModel({ ...options, embeddings });
    expect(Array.from(model.getLayer("embedding").getWeights()[0].dataSync())).toEqual(Array.from(embeddings));
    model.dispose();
  });
});
