// Runs in its own worker thread, so its tfjs has only the stock kernels: the project's are
// registered by initBackend, which this file never calls.
import { parentPort, workerData } from "node:worker_threads";
import * as tf from "@tensorflow/tfjs";
import { buildModel, localStep, type ModelOptions } from "../core/model/index.ts";

interface Job {
  model: ModelOptions;
  classWeights: Float32Array;
  /** int32 [batches * batchSize * L], [batches * batchSize]. */
  inputs: Int32Array;
  targets: Int32Array;
  batches: number;
  batchSize: number;
  learningRate: number;
}

const job = workerData as Job;
await tf.setBackend("cpu");
const model = buildModel(job.model);
const { step, dispose } = localStep(model, { learningRate: job.learningRate, classWeights: job.classWeights });
const L = job.model.phraseLength;
const seconds: number[] = [];
for (let b = 0; b < job.batches; b++) {
  const from = b * job.batchSize;
  const started = performance.now();
  await step({
    inputs: job.inputs.subarray(from * L, (from + job.batchSize) * L),
    targets: job.targets.subarray(from, from + job.batchSize),
    size: job.batchSize,
    phraseLength: L,
  });
  seconds.push((performance.now() - started) / 1000);
}
dispose();
parentPort!.postMessage({ backend: tf.getBackend(), seconds });
