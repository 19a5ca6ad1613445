import { once } from "node:events";
import type { ModelOptions } from "../core/model/index.ts";
import { startTsWorker } from "../core/tf/parallel/ts-worker.ts";
import type { Prepared } from "./corpus.ts";

export interface StockFigures {
  batches: number;
  batchSize: number;
  secondsPerBatch: number[];
  /** Mean batch time × batches per epoch (training only: no validation pass). */
  extrapolatedEpochSeconds: number;
}

/**
 * The stock @tensorflow/tfjs cpu backend (no project kernels) on the same model: a few training
 * batches in a fresh worker thread, extrapolated to an epoch.
 */
export async function benchStockCpu(
  data: Prepared,
  model: ModelOptions,
  opts: { batches: number; batchSize: number; learningRate: number },
): Promise<StockFigures> {
  const rows = opts.batches * opts.batchSize;
  const L = model.phraseLength;
  const worker = startTsWorker(new URL("./stock-cpu-worker.ts", import.meta.url), {
    model,
    classWeights: data.classWeights,
    batches: opts.batches,
    batchSize: opts.batchSize,
    learningRate: opts.learningRate,
    inputs: data.train.inputs.slice(0, rows * L),
    targets: data.train.targets.slice(0, rows),
  });
  const [reply] = (await Promise.race([
    once(worker, "message"),
    once(worker, "error").then(([e]) => {
      throw e;
    }),
  ])) as [{ backend: string; seconds: number[] }];
  await worker.terminate();
  if (reply.backend !== "cpu") throw new Error(`stock bench ran on ${reply.backend}, not cpu`);
  const mean = reply.seconds.reduce((a, b) => a + b, 0) / reply.seconds.length;
  return {
    batches: opts.batches,
    batchSize: opts.batchSize,
    secondsPerBatch: reply.seconds,
    extrapolatedEpochSeconds: mean * Math.ceil(data.train.count / opts.batchSize),
  };
}
