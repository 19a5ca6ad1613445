import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { buildModel } from "../../../core/model/index.ts";
import { bestWeightsKeeper } from "../../../core/model/best-weights.ts";
import { initBackend } from "../../../core/tf/backend.ts";

const metrics = (epoch: number, valLoss: number) => ({ epoch, loss: 1, acc: 0, valLoss, valAcc: 0, seconds: 1 });

describe("bestWeightsKeeper", () => {
  beforeAll(async () => {
    await initBackend({ preference: "wasm" });
  });

  it("restores the weights of the epoch with the lowest validation loss", () => {
    const model = buildModel({
      vocabSize: 20,
      embeddingDim: 4,
      phraseLength: 4,
      units: 6,
      dropout: 0,
      recurrentDropout: 0,
      l2: 0,
      seed: 1,
    });
    const snapshot = () => model.getWeights().map((w) => Array.from(w.dataSync()));
    const shift = (by: number) => tf.tidy(() => model.setWeights(model.getWeights().map((w) => tf.add(w, by))));
    const keeper = bestWeightsKeeper(model);
    keeper.observe(metrics(1, 5.0));
    shift(1);
    keeper.observe(metrics(2, 4.0));
    const best = snapshot();
    shift(1);
    keeper.observe(metrics(3, 4.5));
    shift(1);
    keeper.observe(metrics(4, NaN));
    expect(keeper.restore()?.epoch).toBe(2);
    expect(snapshot()).toEqual(best);
    keeper.dispose();
    model.dispose();
  });

  it("has nothing to restore before an epoch finished", () => {
    const model = buildModel({
      vocabSize: 10,
      embeddingDim: 2,
      phraseLength: 2,
      units: 3,
      dropout: 0,
      recurrentDropout: 0,
      l2: 0,
      seed: 1,
    });
    expect(bestWeightsKeeper(model).restore()).toBeNull();
    model.dispose();
  });
});
