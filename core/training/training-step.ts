import { availableParallelism } from "node:os";
import * as tf from "@tensorflow/tfjs";
import type { Logger } from "../logger.ts";
import type { TrainStep } from "../model/index.ts";
import { parallelStep } from "../tf/parallel/parallel-step.ts";

export interface StepChoice {
  step: TrainStep;
  threads: number;
  dispose(): Promise<void>;
}

/**
 * Data-parallel step on worker threads where it pays: the wasm and cpu backends run on one core,
 * the native ones use every core already. Returns null for the single-threaded default step.
 */
export async function trainingStep(
  model: tf.LayersModel,
  opts: { learningRate: number; classWeights: Float32Array; threads: number; trainCount: number; batchSize: number },
  log: Logger,
): Promise<StepChoice | null> {
  const backend = tf.getBackend();
  const threads = opts.threads === 0 ? availableParallelism() : opts.threads;
  // Workers cost a second or two to start: not worth it for a handful of batches.
  if (threads < 2 || (backend !== "wasm" && backend !== "cpu") || opts.trainCount < opts.batchSize * 4) return null;
  const parallel = await parallelStep(model, { learningRate: opts.learningRate, classWeights: opts.classWeights, threads, backend });
  log.info({ threads, backend }, "data-parallel training");
  return parallel;
}
