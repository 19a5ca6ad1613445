import { DrawScratch, drawToken, type NextWordDraw } from "../model/sample.ts";
import { resetAndUpdate, updateState, type GruWeights } from "./gru-weights.ts";
import type { Products } from "./products.ts";

/** Grows-only scratch arrays of one scorer (passes never overlap: they run synchronously). */
export class Scratch {
  readonly draw = new DrawScratch();
  private arrays = new Map<string, Float32Array>();
  get(name: string, size: number): Float32Array {
    let a = this.arrays.get(name);
    if (!a || a.length < size) this.arrays.set(name, (a = new Float32Array(size)));
    return a;
  }
}

/**
 * One pass over `rows` windows: the GRU from the zero state (as the model reads a window),
 * the first word by table lookup, then the output layer on [h, 1] (bias folded into the
 * product). `consume` sees the logits [rows, V] as a view valid only during the call.
 */
export function pass(
  w: GruWeights,
  products: Products,
  scratch: Scratch,
  windows: Int32Array,
  rows: number,
  consume: (logits: Float32Array) => void,
): void {
  const { units: H, phraseLength: L } = w;
  const h = scratch.get("h", rows * H);
  const z = scratch.get("z", rows * H);
  const rh = scratch.get("rh", rows * H);
  const ids = new Int32Array(rows);
  try {
    for (let b = 0; b < rows; b++) h.set(w.firstState.subarray(windows[b * L] * H, (windows[b * L] + 1) * H), b * H);
    for (let t = 1; t < L; t++) {
      for (let b = 0; b < rows; b++) ids[b] = windows[b * L + t]!;
      resetAndUpdate(w, ids, h, products.matMul(h, rows, w.recurrentZR), z, rh, rows);
      updateState(w, ids, h, products.matMul(rh, rows, w.recurrentH), z, rows);
    }
    const scaled = scratch.get("scaled", rows * (H + 1));
    for (let b = 0; b < rows; b++) {
      scaled.set(h.subarray(b * H, (b + 1) * H), b * (H + 1));
      scaled[b * (H + 1) + H] = 1;
    }
    consume(products.matMul(scaled, rows, w.output));
  } finally {
    products.release();
  }
}

/** Next-word draws for a batch of windows, as the sampler thread (or a helper) serves them. */
export interface DrawBatch {
  /** int32 [rows, L]. */
  windows: Int32Array;
  rows: number;
  /** Per row. */
  draws: NextWordDraw[];
}

/** Draws one next word per row: the pass's logits (at T = 1) through drawToken, the one draw function. */
export function drawBatch(w: GruWeights, products: Products, scratch: Scratch, d: DrawBatch): Int32Array {
  const V = w.vocabSize;
  const ids = new Int32Array(d.rows);
  pass(w, products, scratch, d.windows, d.rows, (logits) => {
    for (let b = 0; b < d.rows; b++) ids[b] = drawToken(logits.subarray(b * V, (b + 1) * V), d.draws[b], scratch.draw);
  });
  return ids;
}
