import type { Worker } from "node:worker_threads";
import * as tf from "@tensorflow/tfjs";
import { applyGradients, lossAndGradients } from "../../model/gradients.ts";
import { setOptimizerLearningRate, targetsTensor, type Batch, type TrainStep } from "../../model/train.ts";
import type { BackendName } from "../backend.ts";
import { flatLayout, shardRanges, slot, type FlatLayout } from "./layout.ts";
import { startTsWorker } from "./ts-worker.ts";
import type { ShardRequest, WorkerInit, WorkerReply } from "./protocol.ts";

export interface ParallelStepOptions {
  learningRate: number;
  /** float32 [V] loss weight per class. */
  classWeights: Float32Array;
  /** Threads computing gradients, this one included (≥ 2). */
  threads: number;
  /** The backend the workers start ("wasm" or "cpu": the native ones are multi-threaded already). */
  backend: BackendName;
}

/** A TrainStep running on several threads, and how to stop its workers. */
export interface ParallelStep {
  step: TrainStep;
  threads: number;
  dispose(): Promise<void>;
}

/** One worker and the promise of its next reply. */
class GradientWorker {
  private waiting?: { resolve: (r: { loss: number; acc: number }) => void; reject: (e: Error) => void };
  private failure?: Error;
  /** Its last gradients, flat. */
  readonly grads: Float32Array;
  readonly ready: Promise<void>;

  constructor(
    readonly worker: Worker,
    gradsBuffer: SharedArrayBuffer,
  ) {
    this.grads = new Float32Array(gradsBuffer);
    this.ready = new Promise<void>((resolve, reject) => {
      worker.on("message", (m: WorkerReply) => {
        if (m.type === "ready") return resolve();
        const waiting = this.waiting;
        this.waiting = undefined;
        if (m.type === "done") waiting?.resolve({ loss: m.loss, acc: m.acc });
        else this.fail(new Error(`gradient worker failed: ${m.message}\n${m.stack ?? ""}`), reject);
      });
      worker.on("error", (e) => this.fail(e, reject));
      worker.on("exit", (code) => this.fail(new Error(`gradient worker exited (code ${code})`), reject));
    });
  }

  private fail(e: Error, rejectReady: (e: Error) => void): void {
    this.failure ??= e;
    rejectReady(e);
    this.waiting?.reject(e);
    this.waiting = undefined;
  }

  /** Sends a shard; resolves with its loss and accuracy once `grads` holds its gradients. */
  run(request: ShardRequest): Promise<{ loss: number; acc: number }> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.worker.postMessage(request);
    });
  }
}

/**
 * Synchronous data parallelism: each batch is split into `threads` shards; this thread computes
 * the first while worker threads (model replicas) compute the others; the gradients are averaged
 * weighted by shard size — the gradient of the whole batch's mean loss, as on one thread — and
 * applied once here with RMSprop. Workers read the updated weights from shared memory before their
 * next shard, so every replica steps from the same weights.
 */
export async function parallelStep(model: tf.LayersModel, opts: ParallelStepOptions): Promise<ParallelStep> {
  if (opts.threads < 2) throw new Error(`parallelStep needs at least 2 threads, got ${opts.threads}`);
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const layout = flatLayout(variables.map((v) => v.shape));
  const weightsBuffer = new SharedArrayBuffer(layout.total * 4);
  const weights = new Float32Array(weightsBuffer);
  const initialWeights = model.getWeights().map((t) => t.dataSync() as Float32Array);
  const topology = model.toJSON(null, false);

  const workers = Array.from({ length: opts.threads - 1 }, () => {
    const grads = new SharedArrayBuffer(layout.total * 4);
    const init: WorkerInit = {
      backend: opts.backend,
      topology,
      initialWeights,
      classWeights: opts.classWeights,
      weights: weightsBuffer,
      grads,
    };
    const worker = startTsWorker(new URL("./worker.ts", import.meta.url), init);
    return new GradientWorker(worker, grads);
  });
  const terminate = () => Promise.all(workers.map((w) => w.worker.terminate())).then(() => undefined);
  try {
    await Promise.all(workers.map((w) => w.ready));
  } catch (e) {
    await terminate();
    throw e;
  }

  const optimizer = tf.train.rmsprop(opts.learningRate);
  const classWeights = tf.tensor1d(opts.classWeights, "float32");
  // Workers built their replicas from initialWeights: nothing to re-read before the first shard.
  let weightsChanged = false;

  const step: TrainStep = async (batch: Batch) => {
    const L = batch.phraseLength;
    const W = batch.targetWidth ?? 1;
    const ranges = shardRanges(batch.size, opts.threads);
    const pending = workers.map((w, k) => {
      const [start, end] = ranges[k + 1];
      if (end === start) return undefined;
      return w.run({
        type: "shard",
        size: end - start,
        phraseLength: L,
        weightsChanged,
        inputs: batch.inputs.slice(start * L, end * L),
        targets: batch.targets.slice(start * W, end * W),
        ...(batch.targetWidth === undefined ? {} : { targetWidth: W }),
      });
    });
    const [, ownEnd] = ranges[0];
    const inputs = tf.tensor2d(batch.inputs.subarray(0, ownEnd * L), [ownEnd, L], "int32");
    const targets = targetsTensor({ ...batch, size: ownEnd, targets: batch.targets.subarray(0, ownEnd * W) });
    let own;
    try {
      own = lossAndGradients(model, inputs, targets, classWeights);
    } finally {
      tf.dispose([inputs, targets]);
    }
    const results = await Promise.all(pending).catch((e: unknown) => {
      tf.dispose(Object.values(own.grads));
      throw e;
    });

    // Each shard's loss is a mean over its targets: weighted by how many it has, the average is the batch's mean.
    const targetsIn = (k: number) => {
      if (batch.targetWidth === undefined) return ranges[k][1] - ranges[k][0];
      let n = 0;
      for (let i = ranges[k][0] * W; i < ranges[k][1] * W; i++) if (batch.targets[i] >= 0) n++;
      return n;
    };
    const total = ranges.reduce((n, _, k) => n + targetsIn(k), 0);
    const share = (k: number) => targetsIn(k) / Math.max(total, 1);
    const averaged = averageGradients(
      variables,
      own.grads,
      share(0),
      workers.map((w, k) => ({
        grads: w.grads,
        share: results[k] ? share(k + 1) : 0,
      })),
      layout,
    );
    applyGradients(optimizer, averaged);
    variables.forEach((v, i) => slot(weights, layout, i).set(v.dataSync()));
    weightsChanged = true;

    let loss = own.loss * share(0);
    let acc = own.acc * share(0);
    results.forEach((r, k) => {
      if (!r) return;
      loss += r.loss * share(k + 1);
      acc += r.acc * share(k + 1);
    });
    return { loss, acc };
  };

  step.setLearningRate = (rate) => setOptimizerLearningRate(optimizer, rate);
  return {
    step,
    threads: opts.threads,
    dispose: async () => {
      optimizer.dispose();
      classWeights.dispose();
      await terminate();
    },
  };
}

/**
 * Σ_k share_k · grads_k per variable. Disposes `own`.
 * @returns gradients keyed by this thread's variable names (for applyGradients)
 */
function averageGradients(
  variables: tf.Variable[],
  own: tf.NamedTensorMap,
  ownShare: number,
  others: { grads: Float32Array; share: number }[],
  layout: FlatLayout,
): tf.NamedTensorMap {
  const out: tf.NamedTensorMap = {};
  tf.tidy(() => {
    variables.forEach((v, i) => {
      const terms = [tf.mul(own[v.name], ownShare)];
      for (const o of others)
        if (o.share > 0) terms.push(tf.mul(tf.tensor(slot(o.grads, layout, i), v.shape), o.share));
      out[v.name] = tf.keep(terms.length === 1 ? terms[0] : tf.addN(terms));
    });
  });
  tf.dispose(Object.values(own));
  return out;
}
