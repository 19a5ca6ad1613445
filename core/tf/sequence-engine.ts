import * as tf from "@tensorflow/tfjs";
import {
  drawFromProbabilities,
  drawsFromProbabilities,
  DrawScratch,
  drawToken,
  temperedInto,
  type NextWordDraw,
} from "../model/sample.ts";
import type { SequenceArrays } from "../model/sequence-model.ts";
import type { Products } from "./products.ts";

/** One stream's part of a pass: its state (changed in place), the tokens it reads, what it wants after them. */
export interface PassRow {
  /** Per GRU layer, [H]. */
  h: Float32Array[];
  tokens: readonly number[];
  /** A draw, "scores" for the logits, or null for reading only. */
  want: NextWordDraw | "scores" | null;
}

/** The sequence model's weights arranged for stepping, and one batched pass over streams. */
export interface SequenceEngine {
  vocabSize: number;
  units: number;
  layers: number;
  /**
   * Steps every row's state over its tokens (rows stepped together, token by token), then the
   * output layer for the rows that want it. @returns per row: the drawn id, the logits, or -1
   */
  pass(rows: readonly PassRow[]): (number | Float32Array)[];
  dispose(): void;
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/**
 * The engine of the sequence sampler (main thread and helper alike): the first layer's input gates
 * a table lookup (embedding @ kernel + bias per word), the products on the backend's kernels
 * (called directly on wasm), the gates in JS; untruncated draws from one vectorised softmax per
 * pass, the others through drawToken.
 */
export function sequenceEngine(a: SequenceArrays, products: Products): SequenceEngine {
  const { vocabSize: V, units: H, embeddingDim: E } = a;
  const H3 = 3 * H;
  const layers = a.grus.length;
  const table = tf.tidy(() =>
    tf.add(tf.matMul(tf.tensor2d(a.embedding, [V, E]), tf.tensor2d(a.grus[0].kernel, [E, H3])), a.grus[0].bias),
  );
  const inputGates = (table.dataSync() as Float32Array).slice();
  table.dispose();
  const recurrent = a.grus.map((g) => tf.tensor2d(g.recurrent, [H, H3]));
  const kernels = a.grus.map((g, l) => (l === 0 ? null : tf.tensor2d(g.kernel, [H, H3])));
  // [H + 1, V]: the output kernel with its bias as the last row.
  const outputWithBias = new Float32Array((H + 1) * V);
  outputWithBias.set(a.output);
  outputWithBias.set(a.outputBias, H * V);
  const output = tf.tensor2d(outputWithBias, [H + 1, V]);
  const scratch = new DrawScratch();
  let buffers = {
    rows: 0,
    x: new Float32Array(0),
    h: new Float32Array(0),
    xg: new Float32Array(0),
    tempered: new Float32Array(0),
  };
  const fit = (rows: number) => {
    if (buffers.rows < rows)
      buffers = {
        rows,
        x: new Float32Array(rows * (H + 1)),
        h: new Float32Array(rows * H),
        xg: new Float32Array(rows * H3),
        tempered: new Float32Array(rows * V),
      };
    return buffers;
  };

  /** One step of every layer for `rows` states reading ids[b]. */
  const step = (states: Float32Array[][], ids: Int32Array, rows: number) => {
    const { h, xg } = fit(rows);
    for (let l = 0; l < layers; l++) {
      const g = a.grus[l];
      if (l === 0) {
        for (let b = 0; b < rows; b++) xg.set(inputGates.subarray(ids[b] * H3, (ids[b] + 1) * H3), b * H3);
      } else {
        // The layer below's new state (in h) times this layer's kernel, plus its bias.
        const px = products.matMul(h, rows, kernels[l]!);
        for (let b = 0; b < rows; b++) for (let j = 0; j < H3; j++) xg[b * H3 + j] = px[b * H3 + j] + g.bias[j];
      }
      for (let b = 0; b < rows; b++) h.set(states[b][l], b * H);
      const u = products.matMul(h, rows, recurrent[l]);
      const bU = g.recurrentBias;
      for (let b = 0; b < rows; b++) {
        const state = states[b][l];
        const x = b * H3;
        for (let j = 0; j < H; j++) {
          const z = sigmoid(xg[x + j] + u[x + j] + bU[j]);
          const r = sigmoid(xg[x + H + j] + u[x + H + j] + bU[H + j]);
          const n = Math.tanh(xg[x + 2 * H + j] + r * (u[x + 2 * H + j] + bU[2 * H + j]));
          state[j] = z * state[j] + (1 - z) * n;
        }
        h.set(state, b * H);
      }
    }
  };

  const pass = (rows: readonly PassRow[]): (number | Float32Array)[] => {
    const out: (number | Float32Array)[] = new Array<number | Float32Array>(rows.length).fill(-1);
    try {
      const longest = rows.reduce((m, r) => Math.max(m, r.tokens.length), 0);
      for (let t = 0; t < longest; t++) {
        const reading = rows.filter((r) => r.tokens.length > t);
        step(
          reading.map((r) => r.h),
          Int32Array.from(reading, (r) => r.tokens[t]),
          reading.length,
        );
      }
      const asking = rows.map((r, i) => i).filter((i) => rows[i].want !== null);
      if (asking.length === 0) return out;
      const { x } = fit(asking.length);
      asking.forEach((i, b) => {
        x.set(rows[i].h[layers - 1], b * (H + 1));
        x[b * (H + 1) + H] = 1;
      });
      const logits = products.matMul(x, asking.length, output);
      // Untruncated draws: tempered scores, then one vectorised softmax for all of them (a Math.exp
      // per word costs ~30 ns, ×V per word); the rest now, before the next product reuses the heap.
      const { tempered } = buffers;
      const soft: number[] = [];
      asking.forEach((i, b) => {
        const row = logits.subarray(b * V, (b + 1) * V);
        const want = rows[i].want!;
        if (want === "scores") out[i] = row.slice();
        else if (drawsFromProbabilities(want, V)) {
          temperedInto(tempered.subarray(soft.length * V, (soft.length + 1) * V), row, want);
          soft.push(i);
        } else out[i] = drawToken(row, want, scratch);
      });
      if (soft.length > 0) {
        const probs = products.softmax(tempered, soft.length, V);
        soft.forEach((i, r) => {
          out[i] = drawFromProbabilities(probs.subarray(r * V, (r + 1) * V), rows[i].want as NextWordDraw, scratch);
        });
      }
      return out;
    } finally {
      products.release();
    }
  };

  return {
    vocabSize: V,
    units: H,
    layers,
    pass,
    dispose: () => tf.dispose([...recurrent, ...kernels.filter((k): k is tf.Tensor2D => k !== null), output]),
  };
}
