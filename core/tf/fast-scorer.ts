import * as tf from "@tensorflow/tfjs";
import { LAYER_NAMES } from "../model/build.ts";
import type { NextWordScorer } from "../model/sample.ts";

/** A NextWordScorer that owns tensors: dispose() when the model version is replaced. */
export interface FastScorer extends NextWordScorer {
  dispose(): void;
}

export interface FastScorerOptions {
  /** Most windows scored in one batched call (concurrent requests beyond it wait a round). */
  maxBatch?: number;
}

type Activation = (x: tf.Tensor) => tf.Tensor;

/** The GRU activations by their tfjs-layers names. */
const ACTIVATIONS: Record<string, Activation> = {
  hardSigmoid: (x) => tf.clipByValue(tf.add(tf.mul(x, 0.2), 0.5), 0, 1),
  sigmoid: (x) => tf.sigmoid(x),
  tanh: (x) => tf.tanh(x),
  linear: (x) => x,
  relu: (x) => tf.relu(x),
};

function activation(name: unknown): Activation {
  const f = typeof name === "string" ? ACTIVATIONS[name] : undefined;
  if (!f) throw new Error(`fastScorer: unsupported GRU activation ${JSON.stringify(name)}`);
  return f;
}

/** The cached weights the GRU steps on. */
interface Weights {
  /** [V, 3H]: embedding @ GRU kernel + bias, one row per word (the input half of every gate). */
  inputGates: tf.Tensor2D;
  /** [H, 2H]: recurrent kernel of the update and reset gates. */
  recurrentZR: tf.Tensor2D;
  /** [H, H]: recurrent kernel of the candidate state. */
  recurrentH: tf.Tensor2D;
  /** [H, V], [V]: output layer. */
  denseKernel: tf.Tensor2D;
  denseBias: tf.Tensor1D;
  units: number;
  gate: Activation;
  candidate: Activation;
}

function cacheWeights(model: tf.LayersModel): Weights {
  const gru = model.getLayer(LAYER_NAMES.gru);
  const config = gru.getConfig();
  if (config.resetAfter) throw new Error("fastScorer: GRU with resetAfter is not supported");
  const [embedding] = model.getLayer(LAYER_NAMES.embedding).getWeights() as [tf.Tensor2D];
  const [kernel, recurrent, bias] = gru.getWeights() as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D?];
  const [denseKernel, denseBias] = model.getLayer(LAYER_NAMES.dense).getWeights() as [tf.Tensor2D, tf.Tensor1D];
  const H = recurrent.shape[0];
  const [inputGates, recurrentZR, recurrentH] = tf.tidy(() => {
    const projected = tf.matMul(embedding, kernel);
    return [
      bias ? tf.add(projected, bias) : projected,
      tf.slice(recurrent, [0, 0], [H, 2 * H]),
      tf.slice(recurrent, [0, 2 * H], [H, H]),
    ] as tf.Tensor2D[];
  });
  return {
    inputGates: inputGates!, recurrentZR: recurrentZR!, recurrentH: recurrentH!,
    denseKernel: tf.clone(denseKernel), denseBias: tf.clone(denseBias),
    units: H,
    gate: activation(config.recurrentActivation ?? "hardSigmoid"),
    candidate: activation(config.activation ?? "tanh"),
  };
}

/**
 * Logits of the next word: the GRU over the windows (from a zero state, as the model reads
 * them) on cached weights, then the output layer without its softmax. Same gate equations as
 * tfjs-layers' GRUCell (reset gate before the recurrent product).
 * @param windows int32 [B, L] @returns float32 [B, V]
 */
function logits(w: Weights, windows: Int32Array, batch: number, L: number): tf.Tensor2D {
  return tf.tidy(() => {
    const H = w.units;
    let h: tf.Tensor2D | undefined;
    for (let t = 0; t < L; t++) {
      const ids = Int32Array.from({ length: batch }, (_, b) => windows[b * L + t]!);
      const x = tf.gather(w.inputGates, tf.tensor1d(ids, "int32")) as tf.Tensor2D;
      const [xz, xr, xh] = tf.split(x, [H, H, H], 1) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
      if (!h) {
        // Zero state: the recurrent products vanish.
        h = tf.mul(tf.sub(1, w.gate(xz)), w.candidate(xh)) as tf.Tensor2D;
        continue;
      }
      const [hz, hr] = tf.split(tf.matMul(h, w.recurrentZR), 2, 1);
      const z = w.gate(tf.add(xz, hz!));
      const r = w.gate(tf.add(xr, hr!));
      const candidate = w.candidate(tf.add(xh, tf.matMul(tf.mul(r, h), w.recurrentH)));
      h = tf.add(tf.mul(z, h), tf.mul(tf.sub(1, z), candidate)) as tf.Tensor2D;
    }
    return tf.add(tf.matMul(h!, w.denseKernel), w.denseBias) as tf.Tensor2D;
  });
}

interface Request {
  windows: Int32Array;
  batch: number;
  resolve: (scores: Float32Array) => void;
  reject: (e: unknown) => void;
}

/**
 * A fast NextWordScorer for a trained model: steps the GRU on cached weights (the embedding is
 * pre-multiplied into the gates' input half) and returns logits, whose softmax equals
 * model.predict's output. Calls made in the same turn of the event loop — concurrent quatrains
 * being sampled — are scored together in one batched pass.
 */
export function fastScorer(model: tf.LayersModel, opts: FastScorerOptions = {}): FastScorer {
  const maxBatch = opts.maxBatch ?? 256;
  const weights = cacheWeights(model);
  const L = (model.inputs[0]!.shape as [number | null, number])[1];
  const V = weights.denseBias.shape[0];
  let queue: Request[] = [];
  let scheduled = false;
  let disposed = false;

  const flush = () => {
    scheduled = false;
    while (queue.length > 0) {
      const round: Request[] = [];
      let rows = 0;
      while (queue.length > 0 && (round.length === 0 || rows + queue[0]!.batch <= maxBatch)) {
        const r = queue.shift()!;
        round.push(r);
        rows += r.batch;
      }
      try {
        const windows = new Int32Array(rows * L);
        let at = 0;
        for (const r of round) { windows.set(r.windows.subarray(0, r.batch * L), at * L); at += r.batch; }
        const out = logits(weights, windows, rows, L);
        const values = out.dataSync() as Float32Array;
        out.dispose();
        at = 0;
        // Views into one result buffer: nothing else writes it.
        for (const r of round) { r.resolve(values.subarray(at * V, (at + r.batch) * V)); at += r.batch; }
      } catch (e) {
        round.forEach((r) => r.reject(e));
      }
    }
  };

  return {
    vocabSize: V,
    phraseLength: L,
    scores(windows, batch) {
      if (disposed) return Promise.reject(new Error("fastScorer: used after dispose()"));
      if (windows.length < batch * L) return Promise.reject(new Error(`fastScorer: ${windows.length} ids for ${batch} windows of ${L}`));
      return new Promise<Float32Array>((resolve, reject) => {
        queue.push({ windows, batch, resolve, reject });
        if (!scheduled) {
          scheduled = true;
          // After the current microtasks: every sampler resumed this turn has queued its window.
          setImmediate(flush);
        }
      });
    },
    dispose() {
      disposed = true;
      queue.forEach((r) => r.reject(new Error("fastScorer: disposed")));
      queue = [];
      tf.dispose([weights.inputGates, weights.recurrentZR, weights.recurrentH, weights.denseKernel, weights.denseBias]);
    },
  };
}
