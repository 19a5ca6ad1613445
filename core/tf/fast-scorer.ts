import { availableParallelism } from "node:os";
import * as tf from "@tensorflow/tfjs";
import type { NextWordDraw, NextWordSampler } from "../model/sample.ts";
import { gruArrays, gruWeights } from "./gru-weights.ts";
import { productsFor } from "./products.ts";
import { SamplingHelper } from "./sampling-helper.ts";
import { drawBatch, pass, Scratch, type DrawBatch } from "./sampling-pass.ts";

/** A NextWordSampler that owns tensors: dispose() when the model version is replaced. */
export interface FastScorer extends NextWordSampler {
  /**
   * Starts the helper thread now rather than at the first large pass.
   * @returns whether it serves (false: not wanted here, or it failed to start)
   */
  startHelper(): Promise<boolean>;
  dispose(): void;
}

export interface FastScorerOptions {
  /** Most windows scored in one batched pass (concurrent requests beyond it wait a round). */
  maxBatch?: number;
  /** On wasm, call the backend's kernels directly (default); false goes through tf ops, as on other backends. */
  direct?: boolean;
  /**
   * On wasm with more than one core, start a helper worker thread (in the background, the first
   * time a pass has `helperFrom` draws) and hand it `helperShare` of each such pass. Default true.
   */
  helperThread?: boolean;
  /** Fewest draws in a pass worth a helper round trip. Default 8. */
  helperFrom?: number;
  /** Share of a large pass's draws the helper takes. Default 0.5. */
  helperShare?: number;
}

type Job =
  | {
      kind: "scores";
      windows: Int32Array;
      batch: number;
      resolve: (scores: Float32Array) => void;
      reject: (e: unknown) => void;
    }
  | {
      kind: "draw";
      windows: Int32Array;
      batch: 1;
      draw: NextWordDraw;
      resolve: (id: number) => void;
      reject: (e: unknown) => void;
    };

/**
 * A fast NextWordSampler for a trained model: steps the GRU on cached weights (the embedding
 * pre-multiplied into the gates' input half, the first step a table lookup), the gates'
 * element-wise math in JS and the matrix products (and softmax) on the backend's kernels,
 * called directly on wasm. scores() returns logits, whose softmax equals model.predict's
 * output; drawNext() draws inside the pass with drawToken (the draw function every path uses),
 * so no per-request V-sized buffer is made. Calls made in the same turn of the event
 * loop (concurrent quatrains being sampled) are served together in one batched pass.
 */
export function fastScorer(model: tf.LayersModel, opts: FastScorerOptions = {}): FastScorer {
  const maxBatch = opts.maxBatch ?? 256;
  const arrays = gruArrays(model);
  const weights = gruWeights(arrays);
  // A helper thread only pays on wasm (single-threaded; native backends use every core already).
  const helperWanted =
    (opts.helperThread ?? true) && tf.getBackend() === "wasm" && (opts.direct ?? true) && availableParallelism() > 1;
  const helperFrom = opts.helperFrom ?? 8;
  const helperShare = opts.helperShare ?? 0.5;
  let helper: SamplingHelper | undefined;
  const startHelper = () => {
    if (helper === undefined && helperWanted && !disposed) helper = new SamplingHelper("wasm", arrays);
    return helper;
  };
  const products = productsFor(opts.direct ?? true);
  const { vocabSize: V, phraseLength: L } = weights;
  const scratch = new Scratch();
  let queue: Job[] = [];
  let scheduled = false;
  let disposed = false;

  /** Scores jobs: logits at T = 1, copied out. */
  const serveScores = (jobs: Extract<Job, { kind: "scores" }>[]) => {
    const rows = jobs.reduce((n, job) => n + job.batch, 0);
    const windows = new Int32Array(rows * L);
    let at = 0;
    for (const job of jobs) {
      windows.set(job.windows.subarray(0, job.batch * L), at * L);
      at += job.batch;
    }
    pass(weights, products, scratch, windows, rows, (logits) => {
      let row = 0;
      for (const job of jobs) {
        job.resolve(logits.slice(row * V, (row + job.batch) * V));
        row += job.batch;
      }
    });
  };

  const drawsOf = (jobs: Extract<Job, { kind: "draw" }>[]): DrawBatch => {
    const rows = jobs.length;
    const d: DrawBatch = { windows: new Int32Array(rows * L), rows, draws: jobs.map((job) => job.draw) };
    jobs.forEach((job, b) => d.windows.set(job.windows.subarray(0, L), b * L));
    return d;
  };

  const settle = <T>(
    jobs: { resolve: (v: T) => void; reject: (e: unknown) => void }[],
    work: () => ArrayLike<T> | void,
  ) => {
    try {
      const out = work();
      if (out) jobs.forEach((job, i) => job.resolve(out[i]));
    } catch (e) {
      jobs.forEach((job) => job.reject(e));
    }
  };

  /** One round: a share of the draws to the helper thread (when it runs and the round is large), the rest here meanwhile. */
  const serve = async (round: Job[]) => {
    const scoreJobs = round.filter((j): j is Extract<Job, { kind: "scores" }> => j.kind === "scores");
    const drawJobs = round.filter((j): j is Extract<Job, { kind: "draw" }> => j.kind === "draw");
    if (drawJobs.length >= helperFrom) startHelper();
    const share = helper?.ready && drawJobs.length >= helperFrom ? Math.floor(drawJobs.length * helperShare) : 0;
    const remoteJobs = drawJobs.slice(0, share);
    const localJobs = drawJobs.slice(share);
    const remote = share > 0 ? helper!.draw(drawsOf(remoteJobs)) : undefined;
    if (scoreJobs.length) settle(scoreJobs, () => serveScores(scoreJobs));
    if (localJobs.length) settle(localJobs, () => drawBatch(weights, products, scratch, drawsOf(localJobs)));
    if (remote) {
      let ids: Int32Array | undefined;
      try {
        ids = await remote;
      } catch {
        // The helper failed: serve its share here.
      }
      settle(remoteJobs, () => ids ?? drawBatch(weights, products, scratch, drawsOf(remoteJobs)));
    }
  };

  let running = false;
  const flush = async () => {
    scheduled = false;
    running = true;
    const round: Job[] = [];
    let rows = 0;
    while (queue.length > 0 && (round.length === 0 || rows + queue[0].batch <= maxBatch)) {
      const job = queue.shift()!;
      round.push(job);
      rows += job.batch;
    }
    try {
      await serve(round);
    } finally {
      running = false;
      if (queue.length > 0) schedule();
    }
  };

  const schedule = () => {
    if (scheduled || running) return;
    scheduled = true;
    // After the current microtasks: every sampler resumed this turn has queued its window.
    setImmediate(flush);
  };

  const badId = (windows: Int32Array, n: number): string | undefined => {
    for (let i = 0; i < n; i++) {
      const id = windows[i];
      if (!(id >= 0 && id < V)) return `fastScorer: class id ${id} is not in [0, ${V - 1}]`;
    }
    return undefined;
  };

  const enqueue = (job: Job) => {
    queue.push(job);
    schedule();
  };

  return {
    vocabSize: V,
    phraseLength: L,
    scores(windows, batch) {
      if (disposed) return Promise.reject(new Error("fastScorer: used after dispose()"));
      if (windows.length < batch * L)
        return Promise.reject(new Error(`fastScorer: ${windows.length} ids for ${batch} windows of ${L}`));
      const bad = badId(windows, batch * L);
      if (bad) return Promise.reject(new Error(bad));
      return new Promise<Float32Array>((resolve, reject) =>
        enqueue({ kind: "scores", windows, batch, resolve, reject }),
      );
    },
    drawNext(window, draw) {
      if (disposed) return Promise.reject(new Error("fastScorer: used after dispose()"));
      if (window.length < L) return Promise.reject(new Error(`fastScorer: ${window.length} ids for a window of ${L}`));
      const bad = badId(window, L);
      if (bad) return Promise.reject(new Error(bad));
      return new Promise<number>((resolve, reject) =>
        enqueue({ kind: "draw", windows: window, batch: 1, draw, resolve, reject }),
      );
    },
    async startHelper() {
      return (await startHelper()?.started) ?? false;
    },
    dispose() {
      disposed = true;
      queue.forEach((job) => job.reject(new Error("fastScorer: disposed")));
      queue = [];
      weights.dispose();
      void helper?.close();
    },
  };
}
