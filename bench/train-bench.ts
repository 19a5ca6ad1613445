import type * as tf from "@tensorflow/tfjs";
import { trainModel, type Examples } from "../core/model/index.ts";
import { createTrainStep } from "../core/tf/train-step.ts";
import type { BackendName } from "../core/tf/backend.ts";
import type { Prepared } from "./corpus.ts";
import { forwardFlops, trainingFlops, type ModelSize } from "./flops.ts";

export interface EpochFigures {
  threads: number;
  epochs: number;
  /** Per epoch, validation included. */
  epochSeconds: number[];
  batchesPerEpoch: number;
  gflopPerEpoch: number;
  /** Of the fastest epoch. */
  gflops: number;
  valLoss: number[];
}

/** Tokens the examples predict: one per window, every real position of a whole quatrain. */
const predicted = (e: Examples) => (e.lengths ? e.lengths.reduce((n, l) => n + l, 0) : e.count);

/** Trains `epochs` full-corpus epochs with the trainer's step (data-parallel where it applies). */
export async function benchEpochs(
  model: tf.LayersModel,
  data: Prepared,
  size: ModelSize,
  opts: {
    epochs: number;
    batchSize: number;
    learningRate: number;
    seed: number;
    threads: number;
    backend: BackendName;
  },
): Promise<EpochFigures> {
  const chosen = await createTrainStep(model, {
    learningRate: opts.learningRate,
    classWeights: data.classWeights,
    threads: opts.threads,
    backend: opts.backend,
  });
  try {
    const result = await trainModel(model, data.train, data.validation, {
      epochs: opts.epochs,
      batchSize: opts.batchSize,
      learningRate: opts.learningRate,
      seed: opts.seed,
      classWeights: data.classWeights,
      step: chosen.step,
    });
    // Per predicted token: a window's L steps, or one step of a whole quatrain (size.L = 1).
    const flops = predicted(data.train) * trainingFlops(size) + predicted(data.validation) * forwardFlops(size);
    const seconds = result.epochs.map((e) => e.seconds);
    return {
      threads: chosen.threads,
      epochs: opts.epochs,
      epochSeconds: seconds,
      batchesPerEpoch: Math.ceil(data.train.count / opts.batchSize),
      gflopPerEpoch: flops / 1e9,
      gflops: flops / 1e9 / Math.min(...seconds),
      valLoss: result.epochs.map((e) => e.valLoss),
    };
  } finally {
    await chosen.dispose();
  }
}
