import * as tf from "@tensorflow/tfjs";
import { BREAK_ID } from "./examples.ts";
import type { RandomSource } from "./random.ts";

/**
 * Anything that scores the next word for batches of context windows: the model itself
 * (modelScorer) or a faster equivalent (core/tf's sampler must give the same distribution).
 */
export interface NextWordScorer {
  /** V. */
  readonly vocabSize: number;
  /** L: ids per window. */
  readonly phraseLength: number;
  /**
   * @param windows int32 row-major [batch, L] class ids
   * @returns float32 row-major [batch, V] log-probabilities or logits: softmax of a row is the
   *   model's next-word distribution for that window
   */
  scores(windows: Int32Array, batch: number): Promise<Float32Array>;
}

/** The reference scorer: model.predict, log of its softmax output. */
export function modelScorer(model: tf.LayersModel): NextWordScorer {
  const [, phraseLength] = model.inputs[0].shape as [number | null, number];
  const vocabSize = (model.outputs[0].shape as [number | null, number])[1];
  return {
    vocabSize,
    phraseLength,
    async scores(windows, batch) {
      const logProbs = tf.tidy(() => {
        const probs = model.predict(tf.tensor2d(windows, [batch, phraseLength], "int32")) as tf.Tensor2D;
        return tf.log(tf.maximum(probs, 1e-30));
      });
      try {
        return (await logProbs.data()) as Float32Array;
      } finally {
        logProbs.dispose();
      }
    },
  };
}

/** Below this temperature sampling is the arg-max (dividing by ~0 would overflow). */
export const GREEDY_TEMPERATURE = 1e-6;

/**
 * softmax(scores / temperature), computed stably (max subtracted). At temperature ≤
 * GREEDY_TEMPERATURE all mass goes to the arg-max (first one on ties).
 * @param scores [V] log-probabilities or logits @returns [V] probabilities
 */
export function softmaxWithTemperature(scores: ArrayLike<number>, temperature: number): Float64Array {
  const n = scores.length;
  const out = new Float64Array(n);
  let max = -Infinity;
  let argMax = 0;
  for (let i = 0; i < n; i++) if (scores[i] > max) [max, argMax] = [scores[i], i];
  if (temperature <= GREEDY_TEMPERATURE || !Number.isFinite(max)) {
    out[argMax] = 1;
    return out;
  }
  let sum = 0;
  for (let i = 0; i < n; i++) sum += out[i] = Math.exp((scores[i] - max) / temperature);
  for (let i = 0; i < n; i++) out[i] /= sum;
  return out;
}

/** Shannon entropy in nats of a probability vector. */
export function entropy(probs: ArrayLike<number>): number {
  let h = 0;
  for (let i = 0; i < probs.length; i++) if (probs[i] > 0) h -= probs[i] * Math.log(probs[i]);
  return h;
}

/** Draws an index from a probability vector with one uniform number. */
export function drawIndex(probs: ArrayLike<number>, random: RandomSource): number {
  let u = random();
  let last = 0;
  for (let i = 0; i < probs.length; i++) {
    if (probs[i] <= 0) continue;
    last = i;
    u -= probs[i];
    if (u < 0) return i;
  }
  return last; // rounding left a sliver of mass: take the last possible index
}

export interface SampleOptions {
  /** > 0; ≤ GREEDY_TEMPERATURE (e.g. 0) is greedy. */
  temperature: number;
  /** Length cap of the returned tokens, prefix included. */
  maxWords: number;
  /** Class ids the quatrain starts with (no break markers); they are part of the result. */
  prefix?: readonly number[];
  /** Uniform [0,1) source; seed it for reproducible quatrains. */
  random: RandomSource;
  /** The break marker cannot be drawn before this many tokens (a three-word "quatrain" is none). Default 0. */
  minWords?: number;
}

/** A copy of `scores` in which the break marker can never win. */
function withoutBreak(scores: Float32Array): Float32Array {
  const copy = scores.slice();
  copy[BREAK_ID] = -Infinity;
  return copy;
}

/**
 * Samples one quatrain: starts from a window of break markers (then the prefix), draws each next
 * word from softmax(scores / temperature), stops at the break marker or at maxWords.
 * @returns class ids, prefix first, without break markers
 */
export async function sampleTokens(scorer: NextWordScorer, opts: SampleOptions): Promise<number[]> {
  const L = scorer.phraseLength;
  const tokens = [...(opts.prefix ?? [])];
  const window = new Int32Array(L);
  while (tokens.length < opts.maxWords) {
    // The last L tokens, left-padded with break markers.
    for (let k = 0; k < L; k++) {
      const i = tokens.length - L + k;
      window[k] = i >= 0 ? tokens[i] : BREAK_ID;
    }
    const raw = await scorer.scores(window, 1);
    const scores = tokens.length < (opts.minWords ?? 0) ? withoutBreak(raw) : raw;
    const next = drawIndex(softmaxWithTemperature(scores, opts.temperature), opts.random);
    if (next === BREAK_ID) break;
    tokens.push(next);
  }
  return tokens.slice(0, Math.max(opts.maxWords, 0));
}
