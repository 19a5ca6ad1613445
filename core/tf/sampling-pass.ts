import { BREAK_ID } from "../model/examples.ts";
import { drawFromProbabilities, GREEDY_TEMPERATURE } from "../model/sample.ts";
import { resetAndUpdate, updateState, type GruWeights } from "./gru-weights.ts";
import type { Products } from "./products.ts";

/** Grows-only scratch arrays of one scorer (passes never overlap: they run synchronously). */
export class Scratch {
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
export function pass(
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


/** Next-word draws for a batch of windows, as the sampler thread (or a helper) serves them. */
export interface DrawBatch {
  /** int32 [rows, L]. */
  windows: Int32Array;
  rows: number;
  /** Per row. */
  temperature: Float64Array;
  uniform: Float64Array;
  /** Per row, 1: the break marker gets no mass. */
  noBreak: Uint8Array;
}

/** Draws one next word per row (softmax at the row's temperature, break marker masked where asked). */
export function drawBatch(w: GruWeights, products: Products, scratch: Scratch, d: DrawBatch): Int32Array {
  const V = w.vocabSize;
  const inverse = new Float32Array(d.rows);
  for (let b = 0; b < d.rows; b++) inverse[b] = d.temperature[b]! > GREEDY_TEMPERATURE ? 1 / d.temperature[b]! : 1;
  const edit = (logits: Float32Array) => {
    for (let b = 0; b < d.rows; b++) if (d.noBreak[b]) logits[b * V + BREAK_ID] = -Infinity;
  };
  const ids = new Int32Array(d.rows);
  pass(w, products, scratch, d.windows, d.rows, inverse, edit, true, (_, probs) => {
    for (let b = 0; b < d.rows; b++) {
      ids[b] = drawFromProbabilities(probs!.subarray(b * V, (b + 1) * V), d.uniform[b]!, d.noBreak[b] ? BREAK_ID : -1, d.temperature[b]! <= GREEDY_TEMPERATURE);
    }
  });
  return ids;
}
