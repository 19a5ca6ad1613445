import * as tf from "@tensorflow/tfjs";
import { evaluate } from "./evaluate.ts";
import type { Examples } from "./examples.ts";
import { applyGradients, lossAndGradientTensors } from "./gradients.ts";
import { bestWeightsKeeper } from "./best-weights.ts";
import { seededRandom, shuffleInPlace } from "./random.ts";
import type { EpochMetrics } from "../metrics.ts";

/** One mini-batch as plain arrays, so a step may ship it to worker threads. */
export interface Batch {
  /** Row-major int32 [size, phraseLength]. */
  inputs: Int32Array;
  /** int32 [size, targetWidth] (-1: padding). */
  targets: Int32Array;
  size: number;
  phraseLength: number;
  /** Targets per row: 1 (absent) for windows, phraseLength for whole quatrains. */
  targetWidth?: number;
}

/** The batch's targets as a tensor: [size] for windows, [size, width] for sequences. */
export function targetsTensor(batch: Batch): tf.Tensor1D | tf.Tensor2D {
  return batch.targetWidth === undefined
    ? tf.tensor1d(batch.targets, "int32")
    : tf.tensor2d(batch.targets, [batch.size, batch.targetWidth], "int32");
}

/**
 * One optimisation step. Contract: compute the batch's training loss and accuracy (as
 * lossAndGradients defines them) and update the trained model's weights in place before the
 * returned promise settles — evaluation and saving read that model afterwards. The arrays of
 * `batch` are reused for the next batch once the step has settled. The default is localStep.
 */
export type TrainStep = ((batch: Batch) => Promise<{ loss: number; acc: number }>) & {
  /** Changes the optimizer's learning rate from the next step on (learningRateDecay needs it). */
  setLearningRate?: (rate: number) => void;
};

/** Sets an RMSprop optimizer's learning rate (tfjs keeps it in a protected field it reads at every step). */
export function setOptimizerLearningRate(optimizer: tf.Optimizer, rate: number): void {
  (optimizer as unknown as { learningRate: number }).learningRate = rate;
}

/** Progress after each batch. */
export interface BatchInfo {
  epoch: number;
  /** 1-based index within the epoch. */
  batch: number;
  batches: number;
  size: number;
  loss: number;
  acc: number;
}

export interface TrainOptions {
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Seed of the per-epoch shuffling. */
  seed: number;
  /** float32 [V] loss weight per class (see classWeights). */
  classWeights: Float32Array;
  /** Called after every epoch, awaited (e.g. to store the metrics). */
  onEpochEnd?: (metrics: EpochMetrics) => void | Promise<void>;
  /** Called after every batch, awaited. */
  onBatchEnd?: (info: BatchInfo) => void | Promise<void>;
  /** Checked after every batch: true stops training there (the unfinished epoch is not reported). */
  shouldStop?: () => boolean;
  /** Replaces the single-threaded step (e.g. a data-parallel runner); see TrainStep. */
  step?: TrainStep;
  /** At the end, put back the weights of the epoch with the lowest validation loss. */
  restoreBestEpoch?: boolean;
  /** Early stopping: end the run after this many epochs without a lower validation loss (0 or absent: never). */
  patience?: number;
  /** Wall-time budget in seconds: no epoch starts that would likely end past it (the last epoch's time is the guess). */
  maxSeconds?: number;
  /**
   * After an epoch without a lower validation loss, multiply the learning rate by this (the step
   * must have setLearningRate); 1 or absent: constant.
   */
  learningRateDecay?: number;
}

/** What a training run did. */
export interface TrainResult {
  /** Finished epochs only. */
  epochs: EpochMetrics[];
  /** True when shouldStop ended it early. */
  stopped: boolean;
  /** True when early stopping (patience or maxSeconds) ended it before opts.epochs. */
  earlyStopped?: boolean;
  /** The epoch whose weights the model holds at the end: the best one with restoreBestEpoch, else the last. */
  final?: EpochMetrics;
}

/**
 * The default TrainStep: lossAndGradients then RMSprop on this thread.
 * Call dispose() when training is over (frees the optimizer state and the class weights tensor).
 */
export function localStep(
  model: tf.LayersModel,
  opts: { learningRate: number; classWeights: Float32Array },
): { step: TrainStep; dispose: () => void } {
  const optimizer = tf.train.rmsprop(opts.learningRate);
  const weights = tf.tensor1d(opts.classWeights, "float32");
  const step: TrainStep = async (batch) => {
    const inputs = tf.tensor2d(batch.inputs, [batch.size, batch.phraseLength], "int32");
    const targets = targetsTensor(batch);
    try {
      const { loss, acc, grads } = lossAndGradientTensors(model, inputs, targets, weights);
      applyGradients(optimizer, grads);
      // Read asynchronously (the only way on webgpu), after the update is queued.
      try {
        const [l, a] = await Promise.all([loss.data(), acc.data()]);
        return { loss: l[0], acc: a[0] };
      } finally {
        tf.dispose([loss, acc]);
      }
    } finally {
      tf.dispose([inputs, targets]);
    }
  };
  step.setLearningRate = (rate) => setOptimizerLearningRate(optimizer, rate);
  return {
    step,
    dispose: () => {
      optimizer.dispose();
      weights.dispose();
    },
  };
}

/** Batches sorted by length are formed within groups of this many (shuffled) batches. */
const BUCKET_BATCHES = 8;

/**
 * Length buckets: within each consecutive group of `group` (already shuffled) examples, sorts by
 * length, so a batch holds quatrains of about one length and little padding is computed.
 * The batches' order is shuffled again per group, so short ones do not always come first.
 */
function bucketByLength(order: Int32Array, lengths: Int32Array, group: number): void {
  for (let from = 0; from < order.length; from += group) {
    const part = order.subarray(from, Math.min(order.length, from + group));
    part.sort((a, b) => lengths[a] - lengths[b] || a - b);
  }
}

/** Lets timers and signal handlers run between batches. */
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Mini-batch training with a custom loop (not model.fit), so the step can be swapped for a
 * data-parallel one. Each epoch shuffles the training examples (seeded), runs the step on every
 * batch, then evaluates on `validation`. `shouldStop` is checked after every batch, so a cancelled
 * job stops after the current batch.
 */
export async function trainModel(
  model: tf.LayersModel,
  train: Examples,
  validation: Examples,
  opts: TrainOptions,
): Promise<TrainResult> {
  const L = train.phraseLength;
  const W = train.targetWidth ?? 1;
  const lengths = train.lengths;
  const local = opts.step ? undefined : localStep(model, opts);
  const step = opts.step ?? local!.step;
  const random = seededRandom(opts.seed);
  const order = Int32Array.from({ length: train.count }, (_, i) => i);
  const batches = Math.ceil(train.count / opts.batchSize);
  const inputs = new Int32Array(opts.batchSize * L);
  const targets = new Int32Array(opts.batchSize * W);
  const epochs: EpochMetrics[] = [];
  const best = opts.restoreBestEpoch ? bestWeightsKeeper(model) : undefined;
  let bestValLoss = Infinity;
  let sinceBest = 0;
  const runStarted = performance.now();
  let learningRate = opts.learningRate;
  try {
    for (let epoch = 1; epoch <= opts.epochs; epoch++) {
      const started = performance.now();
      shuffleInPlace(order, random);
      if (lengths) bucketByLength(order, lengths, opts.batchSize * BUCKET_BATCHES);
      let lossSum = 0;
      let accSum = 0;
      for (let b = 0; b < batches; b++) {
        const from = b * opts.batchSize;
        const size = Math.min(opts.batchSize, train.count - from);
        // Whole quatrains: the batch is as wide as its longest one (less padding to compute).
        let width = L;
        if (lengths) {
          width = 0;
          for (let i = 0; i < size; i++) width = Math.max(width, lengths[order[from + i]]);
        }
        for (let i = 0; i < size; i++) {
          const src = order[from + i];
          inputs.set(train.inputs.subarray(src * L, src * L + width), i * width);
          if (lengths) targets.set(train.targets.subarray(src * W, src * W + width), i * width);
          else targets[i] = train.targets[src];
        }
        const result = await step({
          inputs: inputs.subarray(0, size * width),
          targets: targets.subarray(0, size * (lengths ? width : 1)),
          size,
          phraseLength: width,
          ...(lengths ? { targetWidth: width } : {}),
        });
        lossSum += result.loss * size;
        accSum += result.acc * size;
        await opts.onBatchEnd?.({ epoch, batch: b + 1, batches, size, loss: result.loss, acc: result.acc });
        if (opts.shouldStop?.()) return { epochs, stopped: true };
        await yieldToEventLoop();
      }
      const val = await evaluate(model, validation, Math.max(opts.batchSize, 1024));
      const metrics: EpochMetrics = {
        epoch,
        loss: lossSum / train.count,
        acc: accSum / train.count,
        valLoss: val.loss,
        valAcc: val.acc,
        seconds: (performance.now() - started) / 1000,
      };
      epochs.push(metrics);
      best?.observe(metrics);
      await opts.onEpochEnd?.(metrics);
      if (opts.shouldStop?.() && opts.epochs > epoch) return { epochs, stopped: true };
      if (metrics.valLoss < bestValLoss) [bestValLoss, sinceBest] = [metrics.valLoss, 0];
      else {
        sinceBest++;
        const decay = opts.learningRateDecay ?? 1;
        if (decay !== 1 && step.setLearningRate) step.setLearningRate((learningRate *= decay));
      }
      const elapsed = (performance.now() - runStarted) / 1000;
      const outOfTime =
        opts.maxSeconds !== undefined && opts.maxSeconds > 0 && elapsed + metrics.seconds > opts.maxSeconds;
      if (((opts.patience && sinceBest >= opts.patience) || outOfTime) && epoch < opts.epochs) {
        return { epochs, stopped: false, earlyStopped: true, final: best?.restore() ?? epochs.at(-1) };
      }
    }
    return { epochs, stopped: false, final: best?.restore() ?? epochs.at(-1) };
  } finally {
    best?.dispose();
    local?.dispose();
  }
}
