import { beforeAll, describe, expect, it } from "vitest";
import { buildSequenceModel, trainModel, type TrainStep } from "../../../core/model/index.ts";
import { makeSequenceExamples } from "../../../core/model/examples.ts";
import { corpusSlice, type Slice } from "./fixture.ts";

let slice: Slice;
beforeAll(async () => {
  slice = await corpusSlice(30);
});

describe("learning rate decay", () => {
  it("multiplies the step's learning rate after each epoch without a lower validation loss, and only then", async () => {
    const model = buildSequenceModel({
      vocabSize: slice.vocabSize,
      embeddingDim: 8,
      units: 8,
      layers: 1,
      dropout: 0,
      tied: true,
      seed: 1,
    });
    const rates: number[] = [];
    // A step that never changes the weights: the validation loss stays where it is after epoch 1.
    const step: TrainStep = () => Promise.resolve({ loss: 1, acc: 0 });
    step.setLearningRate = (rate) => void rates.push(rate);
    const examples = makeSequenceExamples(slice.docs.slice(0, 20));
    const result = await trainModel(model, examples, makeSequenceExamples(slice.docs.slice(20)), {
      epochs: 4,
      batchSize: 8,
      learningRate: 0.004,
      seed: 1,
      classWeights: new Float32Array(slice.vocabSize).fill(1),
      step,
      learningRateDecay: 0.5,
    });
    expect(result.epochs).toHaveLength(4);
    expect(rates).toEqual([0.002, 0.001, 0.0005]);
    model.dispose();
  });
});
