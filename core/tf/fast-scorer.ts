import type * as tf from "@tensorflow/tfjs";
import { BREAK_ID } from "../model/examples.ts";
import { drawFromProbabilities, GREEDY_TEMPERATURE, type NextWordDraw, type NextWordSampler } from "../model/sample.ts";
import { gruWeights, resetAndUpdate, updateState, type GruWeights } from "./gru-weights.ts";
import { productsFor, type Products } from "./products.ts";

/** A NextWordSampler that owns tensors: dispose() when the model version is replaced. */
export interface FastScorer extends NextWordSampler {
  dispose(): void;
}

export interface FastScorerOptions {
  /** Most windows scored in one batched pass (concurrent requests beyond it wait a round). */
  maxBatch?: number;
  /** On wasm, call the backend's kernels directly (default); false goes through tf ops, as on other backends. */
  direct?: boolean;
}

/** Grows-only scratch arrays of one scorer (passes never overlap: they run synchronously). */
class Scratch {
  private arrays = new Map<string, Float32Array>();
  get(name: string, size: number): Float32Array {
    let a = this.arrays.get(name);
    if (!a || a.length < size) this.arrays.set(name, (a = new Float32Array(size)));
    return a;
  }
}

/**
 * One pass over `rows` windows: the GRU from the zero state (as the model reads a window),
 * the first word by table lookup, then the output layer on [h / T, 1 / T] (temperature folded
 * into the product), `edit` on the logits, and their softmax when `softmax`. `consume` sees
 * views that are valid only during the call.
 */
function pass(
  w: GruWeights, products: Products, scratch: Scratch,
  windows: Int32Array, rows: number, inverseTemperature: Float32Array,
  edit: (logits: Float32Array) => void, softmax: boolean,
  consume: (logits: Float32Array, probs: Float32Array | undefined) => void,
): void {
  const { units: H, phraseLength: L } = w;
  const h = scratch.get("h", rows * H);
  const z = scratch.get("z", rows * H);
  const rh = scratch.get("rh", rows * H);
  const ids = new Int32Array(rows);
  try {
    for (let b = 0; b < rows; b++) h.set(w.firstState.subarray(windows[b * L]! * H, (windows[b * L]! + 1) * H), b * H);
    for (let t = 1; t < L; t++) {
      for (let b = 0; b < rows; b++) ids[b] = windows[b * L + t]!;
      resetAndUpdate(w, ids, h, products.matMul(h, rows, w.recurrentZR), z, rh, rows);
      updateState(w, ids, h, products.matMul(rh, rows, w.recurrentH), z, rows);
    }
    const scaled = scratch.get("scaled", rows * (H + 1));
    for (let b = 0; b < rows; b++) {
      const s = inverseTemperature[b]!;
      for (let j = 0; j < H; j++) scaled[b * (H + 1) + j] = h[b * H + j]! * s;
      scaled[b * (H + 1) + H] = s;
    }
    const { logits, probs } = products.logitsAndSoftmax(scaled, rows, w.output, edit, softmax);
    consume(logits, probs);
  } finally {
    products.release();
  }
}

type Job =
  | { kind: "scores"; windows: Int32Array; batch: number; resolve: (scores: Float32Array) => void; reject: (e: unknown) => void }
  | { kind: "draw"; windows: Int32Array; batch: 1; draw: NextWordDraw; resolve: (id: number) => void; reject: (e: unknown) => void };

/**
 * A fast NextWordSampler for a trained model: steps the GRU on cached weights (the embedding
 * pre-multiplied into the gates' input half, the first step a table lookup), the gates'
 * element-wise math in JS and the matrix products (and softmax) on the backend's kernels,
 * called directly on wasm. scores() returns logits, whose softmax equals model.predict's
 * output; drawNext() takes the softmax at the request's temperature inside the pass and draws
 * there, so no per-request V-sized buffer is made. Calls made in the same turn of the event
 * loop (concurrent quatrains being sampled) are served together in one batched pass.
 */
export function fastScorer(model: tf.LayersModel, opts: FastScorerOptions = {}): FastScorer {
  const maxBatch = opts.maxBatch ?? 256;
  const weights = gruWeights(model);
  const products = productsFor(opts.direct ?? true);
  const { vocabSize: V, phraseLength: L } = weights;
  const scratch = new Scratch();
  let queue: Job[] = [];
  let scheduled = false;
  let disposed = false;

  const serve = (round: Job[], rows: number) => {
    const windows = new Int32Array(rows * L);
    const inverseTemperature = new Float32Array(rows);
    let at = 0;
    let draws = false;
    for (const job of round) {
      windows.set(job.windows.subarray(0, job.batch * L), at * L);
      const T = job.kind === "draw" ? job.draw.temperature : 1;
      inverseTemperature.fill(T > GREEDY_TEMPERATURE ? 1 / T : 1, at, at + job.batch);
      draws ||= job.kind === "draw";
      at += job.batch;
    }
    // Below minWords the break marker gets no mass: its logit is -Infinity before the softmax.
    const edit = (logits: Float32Array) => {
      let row = 0;
      for (const job of round) {
        if (job.kind === "draw" && job.draw.noBreak) logits[row * V + BREAK_ID] = -Infinity;
        row += job.batch;
      }
    };
    pass(weights, products, scratch, windows, rows, inverseTemperature, edit, draws, (logits, probs) => {
      let row = 0;
      for (const job of round) {
        if (job.kind === "scores") {
          job.resolve(logits.slice(row * V, (row + job.batch) * V));
        } else {
          const d = job.draw;
          job.resolve(drawFromProbabilities(probs!.subarray(row * V, (row + 1) * V), d.uniform, d.noBreak ? BREAK_ID : -1, d.temperature <= GREEDY_TEMPERATURE));
        }
        row += job.batch;
      }
    });
  };

  const flush = () => {
    scheduled = false;
    while (queue.length > 0) {
      const round: Job[] = [];
      let rows = 0;
      while (queue.length > 0 && (round.length === 0 || rows + queue[0]!.batch <= maxBatch)) {
        const job = queue.shift()!;
        round.push(job);
        rows += job.batch;
      }
      try {
        serve(round, rows);
      } catch (e) {
        round.forEach((job) => job.reject(e));
      }
    }
  };

  const badId = (windows: Int32Array, n: number): string | undefined => {
    for (let i = 0; i < n; i++) {
      const id = windows[i]!;
      if (!(id >= 0 && id < V)) return `fastScorer: class id ${id} is not in [0, ${V - 1}]`;
    }
    return undefined;
  };

  const enqueue = (job: Job) => {
    queue.push(job);
    if (!scheduled) {
      scheduled = true;
      // After the current microtasks: every sampler resumed this turn has queued its window.
      setImmediate(flush);
    }
  };

  return {
    vocabSize: V,
    phraseLength: L,
    scores(windows, batch) {
      if (disposed) return Promise.reject(new Error("fastScorer: used after dispose()"));
      if (windows.length < batch * L) return Promise.reject(new Error(`fastScorer: ${windows.length} ids for ${batch} windows of ${L}`));
      const bad = badId(windows, batch * L);
      if (bad) return Promise.reject(new Error(bad));
      return new Promise<Float32Array>((resolve, reject) => enqueue({ kind: "scores", windows, batch, resolve, reject }));
    },
    drawNext(window, draw) {
      if (disposed) return Promise.reject(new Error("fastScorer: used after dispose()"));
      if (window.length < L) return Promise.reject(new Error(`fastScorer: ${window.length} ids for a window of ${L}`));
      const bad = badId(window, L);
      if (bad) return Promise.reject(new Error(bad));
      return new Promise<number>((resolve, reject) => enqueue({ kind: "draw", windows: window, batch: 1, draw, resolve, reject }));
    },
    dispose() {
      disposed = true;
      queue.forEach((job) => job.reject(new Error("fastScorer: disposed")));
      queue = [];
      weights.dispose();
    },
  };
}
