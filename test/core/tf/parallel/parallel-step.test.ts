import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../../../../core/tf/backend.ts";
import { parallelStep } from "../../../../core/tf/parallel/parallel-step.ts";
import { createTrainStep } from "../../../../core/tf/train-step.ts";
import { shardRanges } from "../../../../core/tf/parallel/layout.ts";
import { buildModel, evaluate, localStep, trainModel, type ModelOptions } from "../../../../core/model/index.ts";
import { corpusSlice, type Slice } from "../../../helpers/corpus-slice.ts";
import { maxAbsDiff } from "../random.ts";

let slice: Slice;
const modelOptions = (dropout: number): ModelOptions => ({
  vocabSize: slice.vocabSize,
  embeddingDim: 16,
  phraseLength: 4,
  units: 24,
  dropout,
  recurrentDropout: dropout,
  l2: 0.02,
  seed: 3,
});

beforeAll(async () => {
  await initBackend({ preference: "wasm" });
  slice = await corpusSlice(200);
});

describe("shardRanges", () => {
  it("covers the batch with contiguous, near-equal shards", () => {
    expect(shardRanges(10, 3)).toEqual([
      [0, 4],
      [4, 7],
      [7, 10],
    ]);
    expect(shardRanges(1, 2)).toEqual([
      [0, 1],
      [1, 1],
    ]);
  });
});

describe("parallelStep", () => {
  const batch = () => {
    const size = 96;
    return {
      inputs: slice.train.inputs.slice(0, size * 4),
      targets: slice.train.targets.slice(0, size),
      size,
      phraseLength: 4,
    };
  };

  it("takes the same step on 3 threads as on 1 (no dropout): same loss, same new weights", async () => {
    const one = buildModel(modelOptions(0));
    const three = buildModel(modelOptions(0));
    three.setWeights(one.getWeights());
    const local = localStep(one, { learningRate: 0.003, classWeights: slice.classWeights });
    const parallel = await parallelStep(three, {
      learningRate: 0.003,
      classWeights: slice.classWeights,
      threads: 3,
      backend: "wasm",
    });
    try {
      for (let i = 0; i < 3; i++) {
        const a = await local.step(batch());
        const b = await parallel.step(batch());
        expect(b.loss).toBeCloseTo(a.loss, 4);
        expect(b.acc).toBeCloseTo(a.acc, 6);
      }
      const wa = one.getWeights().map((t) => t.dataSync());
      const wb = three.getWeights().map((t) => t.dataSync());
      // The optimizer really moved the weights, and both copies moved alike.
      const initial = buildModel(modelOptions(0))
        .getWeights()
        .map((t) => t.dataSync());
      expect(maxAbsDiff(wa[2], initial[2])).toBeGreaterThan(1e-3);
      wa.forEach((w, i) => expect(maxAbsDiff(w, wb[i]), `weight ${i}`).toBeLessThan(1e-4));
    } finally {
      local.dispose();
      await parallel.dispose();
    }
  });

  it("2 threads reach the validation loss of 1 thread on a corpus slice (with dropout)", async () => {
    const run = async (threads: number) => {
      const model = buildModel(modelOptions(0.5));
      const chosen = await createTrainStep(model, {
        learningRate: 0.01,
        classWeights: slice.classWeights,
        threads,
        backend: "wasm",
      });
      expect(chosen.threads).toBe(threads);
      try {
        const untrained = (await evaluate(model, slice.validation, 512)).loss;
        const result = await trainModel(model, slice.train, slice.validation, {
          epochs: 3,
          batchSize: 128,
          learningRate: 0.003,
          seed: 1,
          classWeights: slice.classWeights,
          step: chosen.step,
        });
        return [untrained, ...result.epochs.map((e) => e.valLoss)];
      } finally {
        await chosen.dispose();
      }
    };
    const single = await run(1);
    const double = await run(2);
    // Both learn (validation loss falls below the untrained model's) and end within 5% of each other.
    expect(single.at(-1)!).toBeLessThan(single[0]);
    expect(double.at(-1)!).toBeLessThan(double[0]);
    expect(Math.abs(double.at(-1)! - single.at(-1)!) / single.at(-1)!).toBeLessThan(0.05);
  });

  it("reports a worker that cannot start", async () => {
    const model = buildModel(modelOptions(0));
    await expect(
      parallelStep(model, {
        learningRate: 0.003,
        classWeights: new Float32Array(3),
        threads: 2,
        backend: "tensorflow",
      }),
    ).rejects.toThrow(/tfjs-node is (not installed|installed without its native addon)/);
  });
});

afterAll(() => tf.disposeVariables());
