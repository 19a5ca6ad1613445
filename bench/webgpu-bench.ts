import * as tf from "@tensorflow/tfjs";
import { buildModel, localStep, type ModelOptions } from "../core/model/index.ts";
import { initBackend } from "../core/tf/backend.ts";
import { describeAdapter, isSoftwareAdapter, webgpuAdapter } from "../core/tf/webgpu-adapter.ts";
import type { Prepared } from "./corpus.ts";
import { trainingFlops, type ModelSize } from "./flops.ts";
import { benchEpochs, type EpochFigures } from "./train-bench.ts";

export type WebgpuFigures =
  | { adapter: string; software: false; epochs: EpochFigures }
  | {
      adapter: string;
      software: true;
      batchSize: number;
      /** Measured batches (after one warm-up batch that compiles the shaders). */
      secondsPerBatch: number[];
      /** secondsPerBatch's mean × batches per epoch, validation left out. */
      extrapolatedEpochSeconds: number;
      gflops: number;
    };

/**
 * The same training figures on the webgpu backend when Dawn finds an adapter (null otherwise):
 * full epochs on a GPU; on a software adapter (lavapipe, seconds per batch) only `softwareBatches`
 * measured batches, extrapolated. Leaves the backend it found current.
 */
export async function benchWebgpu(
  data: Prepared,
  modelOptions: ModelOptions,
  size: ModelSize,
  embeddings: Float32Array,
  opts: { epochs: number; batchSize: number; learningRate: number; seed: number; softwareBatches: number },
): Promise<WebgpuFigures | null> {
  const found = await webgpuAdapter();
  if ("reason" in found) return null;
  const previous = tf.getBackend();
  const adapter = describeAdapter(found.adapter.info);
  await initBackend({ preference: "webgpu" });
  const model = buildModel({ ...modelOptions, embeddings });
  try {
    if (!isSoftwareAdapter(found.adapter.info)) {
      return {
        adapter,
        software: false,
        epochs: await benchEpochs(model, data, size, { ...opts, threads: 1, backend: "webgpu" }),
      };
    }
    const { step, dispose } = localStep(model, { learningRate: opts.learningRate, classWeights: data.classWeights });
    const L = data.train.phraseLength;
    const B = Math.min(opts.batchSize, data.train.count);
    const seconds: number[] = [];
    try {
      for (let i = 0; i <= opts.softwareBatches; i++) {
        const from = (i * B) % Math.max(1, data.train.count - B);
        const started = performance.now();
        await step({
          inputs: data.train.inputs.slice(from * L, (from + B) * L),
          targets: data.train.targets.slice(from, from + B),
          size: B,
          phraseLength: L,
        });
        if (i > 0) seconds.push((performance.now() - started) / 1000);
      }
    } finally {
      dispose();
    }
    const mean = seconds.reduce((a, b) => a + b, 0) / seconds.length;
    return {
      adapter,
      software: true,
      batchSize: B,
      secondsPerBatch: seconds,
      extrapolatedEpochSeconds: mean * Math.ceil(data.train.count / B),
      gflops: (B * trainingFlops(size)) / 1e9 / mean,
    };
  } finally {
    model.dispose();
    await tf.setBackend(previous);
  }
}
