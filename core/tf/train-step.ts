import { availableParallelism } from "node:os";
import type * as tf from "@tensorflow/tfjs";
import { localStep, type TrainStep } from "../model/train.ts";
import type { BackendName } from "./backend.ts";
import { parallelStep } from "./parallel/parallel-step.ts";

export interface TrainStepOptions {
  learningRate: number;
  /** float32 [V] loss weight per class. */
  classWeights: Float32Array;
  /** config training.threads: 0 = one per core. */
  threads: number;
  /** The backend initBackend chose. */
  backend: BackendName;
}

/** A TrainStep for trainModel's `step` option, the threads it uses, and its clean-up. */
export interface ChosenStep {
  step: TrainStep;
  threads: number;
  dispose(): Promise<void>;
}

/** Threads to use: 0 means one per core. */
export const resolveThreads = (threads: number): number => (threads > 0 ? threads : availableParallelism());

/**
 * The fastest way to train here: data-parallel worker threads on wasm/cpu (single-threaded
 * backends) when more than one thread is allowed; the plain single-thread step otherwise (the
 * native tensorflow backends already use every core).
 */
export async function createTrainStep(model: tf.LayersModel, opts: TrainStepOptions): Promise<ChosenStep> {
  const threads = resolveThreads(opts.threads);
  if (threads > 1 && (opts.backend === "wasm" || opts.backend === "cpu")) {
    return parallelStep(model, { ...opts, threads });
  }
  const local = localStep(model, opts);
  return { step: local.step, threads: 1, dispose: async () => local.dispose() };
}
