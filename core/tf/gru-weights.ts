import * as tf from "@tensorflow/tfjs";
import { LAYER_NAMES } from "../model/build.ts";

/** A GRU activation by its tfjs-layers name, on one number (float64; the model computes in float32). */
export type ScalarActivation = (x: number) => number;

/** The GRU activations by their tfjs-layers names (hardSigmoid as tfjs-layers defines it: clip(0.2x + 0.5, 0, 1)). */
const ACTIVATIONS: Record<string, ScalarActivation> = {
  hardSigmoid: (x) => Math.min(1, Math.max(0, 0.2 * x + 0.5)),
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  tanh: (x) => Math.tanh(x),
  linear: (x) => x,
  relu: (x) => Math.max(0, x),
};

function activation(name: unknown): ScalarActivation {
  const f = typeof name === "string" ? ACTIVATIONS[name] : undefined;
  if (!f) throw new Error(`fastScorer: unsupported GRU activation ${JSON.stringify(name)}`);
  return f;
}

/** The arrays the GRU steps on, plain (transferable to a worker thread). */
export interface GruArrays {
  /** V, H, L. */
  vocabSize: number;
  units: number;
  phraseLength: number;
  /** [V, 3H]: embedding @ GRU kernel + bias, one row per word (the input half of every gate: z, r, h). */
  inputGates: Float32Array;
  /** [V, H]: the state after the first word of a window (from the zero state the model starts each window in). */
  firstState: Float32Array;
  /** [H, 2H]: recurrent kernel of the update and reset gates. */
  recurrentZR: Float32Array;
  /** [H, H]: recurrent kernel of the candidate state. */
  recurrentH: Float32Array;
  /** [H + 1, V]: the output layer's kernel with its bias as the last row: [h, 1] @ it = logits. */
  output: Float32Array;
  /** tfjs-layers names of the GRU's recurrent (gate) and candidate activations. */
  gateActivation: string;
  candidateActivation: string;
}

/**
 * The model's weights rearranged for stepping the GRU one window at a time (Embedding → GRU →
 * Dense-softmax, as core/model/build.ts builds it): the arrays, plus the matrices of the
 * products as tensors on the current backend.
 */
export interface GruWeights extends Omit<GruArrays, "recurrentZR" | "recurrentH" | "output"> {
  recurrentZR: tf.Tensor2D;
  recurrentH: tf.Tensor2D;
  output: tf.Tensor2D;
  gate: ScalarActivation;
  candidate: ScalarActivation;
  dispose(): void;
}

/** Reads and rearranges a trained model's weights (no reference to the model is kept). */
export function gruArrays(model: tf.LayersModel): GruArrays {
  const gru = model.getLayer(LAYER_NAMES.gru);
  const config = gru.getConfig();
  if (config.resetAfter) throw new Error("fastScorer: GRU with resetAfter is not supported");
  if (config.useBias === false) throw new Error("fastScorer: GRU without bias is not supported");
  const gateActivation = String(config.recurrentActivation ?? "hardSigmoid");
  const candidateActivation = String(config.activation ?? "tanh");
  const [gate, candidate] = [activation(gateActivation), activation(candidateActivation)];
  const L = (model.inputs[0].shape as [number | null, number])[1];
  const [embedding] = model.getLayer(LAYER_NAMES.embedding).getWeights() as [tf.Tensor2D];
  const [kernel, recurrent, bias] = gru.getWeights() as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D];
  const [denseKernel, denseBias] = model.getLayer(LAYER_NAMES.dense).getWeights() as [tf.Tensor2D, tf.Tensor1D];
  const H = recurrent.shape[0];
  const V = denseBias.shape[0];
  // Data read outside tidy: tidy walks what its function returns, element by element.
  const parts = tf.tidy(() => [
    tf.add(tf.matMul(embedding, kernel), bias),
    tf.slice(recurrent, [0, 0], [H, 2 * H]),
    tf.slice(recurrent, [0, 2 * H], [H, H]),
    tf.concat([denseKernel, tf.reshape(denseBias, [1, V])], 0),
  ]);
  const [inputGates, recurrentZR, recurrentH, output] = parts.map((t) => t.dataSync() as Float32Array);
  tf.dispose(parts);
  // From the zero state the recurrent products vanish: h = (1 - z(xz)) * candidate(xh).
  const firstState = new Float32Array(V * H);
  for (let w = 0; w < V; w++) {
    for (let j = 0; j < H; j++) {
      const z = gate(inputGates[w * 3 * H + j]);
      firstState[w * H + j] = (1 - z) * candidate(inputGates[w * 3 * H + 2 * H + j]);
    }
  }
  return {
    vocabSize: V,
    units: H,
    phraseLength: L,
    inputGates: inputGates,
    firstState,
    recurrentZR: recurrentZR,
    recurrentH: recurrentH,
    output: output,
    gateActivation,
    candidateActivation,
  };
}

/** The arrays with the product matrices as tensors on the current backend. */
export function gruWeights(arrays: GruArrays): GruWeights {
  const { units: H, vocabSize: V } = arrays;
  const recurrentZR = tf.tensor2d(arrays.recurrentZR, [H, 2 * H]);
  const recurrentH = tf.tensor2d(arrays.recurrentH, [H, H]);
  const output = tf.tensor2d(arrays.output, [H + 1, V]);
  return {
    ...arrays,
    recurrentZR,
    recurrentH,
    output,
    gate: activation(arrays.gateActivation),
    candidate: activation(arrays.candidateActivation),
    dispose: () => tf.dispose([recurrentZR, recurrentH, output]),
  };
}

/**
 * z and r from the input gates and h @ recurrentZR, then r * h into `rh`; z is kept in `z`.
 * Row b uses word ids[b]'s input gates. All arrays row-major over `rows` rows.
 */
export function resetAndUpdate(
  w: GruWeights,
  ids: Int32Array,
  h: Float32Array,
  hzr: Float32Array,
  z: Float32Array,
  rh: Float32Array,
  rows: number,
): void {
  const H = w.units;
  const { inputGates, gate } = w;
  for (let b = 0; b < rows; b++) {
    const x = ids[b] * 3 * H;
    const m = b * 2 * H;
    const o = b * H;
    for (let j = 0; j < H; j++) {
      z[o + j] = gate(inputGates[x + j] + hzr[m + j]);
      rh[o + j] = gate(inputGates[x + H + j] + hzr[m + H + j]) * h[o + j];
    }
  }
}

/** h = z * h + (1 - z) * candidate(xh + (r * h) @ recurrentH), in place. */
export function updateState(
  w: GruWeights,
  ids: Int32Array,
  h: Float32Array,
  rhh: Float32Array,
  z: Float32Array,
  rows: number,
): void {
  const H = w.units;
  const { inputGates, candidate } = w;
  for (let b = 0; b < rows; b++) {
    const x = ids[b] * 3 * H + 2 * H;
    const o = b * H;
    for (let j = 0; j < H; j++) {
      const zj = z[o + j];
      h[o + j] = zj * h[o + j] + (1 - zj) * candidate(inputGates[x + j] + rhh[o + j]);
    }
  }
}
