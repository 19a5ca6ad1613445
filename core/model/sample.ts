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

/** One next-word draw asked of a NextWordSampler. */
export interface NextWordDraw {
  /** > 0; ≤ GREEDY_TEMPERATURE is the arg-max. */
  temperature: number;
  /** The uniform number in [0, 1) the draw consumes (drawIndex's `random()`). */
  uniform: number;
  /** The break marker gets no mass (a quatrain shorter than minWords). */
  noBreak: boolean;
}

/**
 * A scorer that also draws the next word itself (e.g. softmax and draw fused into a batched
 * pass). drawNext must draw as drawIndex(softmaxWithTemperature(scores, T)) with the same
 * uniform number would, the break marker's score set to -Infinity when `noBreak`.
 */
export interface NextWordSampler extends NextWordScorer {
  /** @param window int32 [L] class ids @returns the drawn class id */
  drawNext(window: Int32Array, draw: NextWordDraw): Promise<number>;
}

function isSampler(scorer: NextWordScorer): scorer is NextWordSampler {
  return typeof (scorer as Partial<NextWordSampler>).drawNext === "function";
}

/**
 * softmax(scores / temperature) and a draw with the uniform number `u`, fused: no allocation
 * beyond `scratch` (grown when too short), index `excluded` (if ≥ 0) never drawn. Same result
 * as drawIndex(softmaxWithTemperature(scores with scores[excluded] = -Infinity, temperature)).
 * @returns the drawn index and the scratch buffer (reuse it for the next call)
 */
export function drawFromScores(
  scores: ArrayLike<number>, temperature: number, u: number, excluded = -1, scratch?: Float64Array,
): { index: number; scratch: Float64Array } {
  const n = scores.length;
  const exps = scratch && scratch.length >= n ? scratch : new Float64Array(n);
  let max = -Infinity;
  let argMax = excluded === 0 && n > 1 ? 1 : 0;
  for (let i = 0; i < n; i++) if (i !== excluded && scores[i] > max) [max, argMax] = [scores[i], i];
  if (temperature <= GREEDY_TEMPERATURE || !Number.isFinite(max)) return { index: argMax, scratch: exps };
  let sum = 0;
  for (let i = 0; i < n; i++) sum += exps[i] = i === excluded ? 0 : Math.exp((scores[i] - max) / temperature);
  let rest = u * sum;
  let last = argMax;
  for (let i = 0; i < n; i++) {
    if (exps[i] <= 0) continue;
    last = i;
    rest -= exps[i];
    if (rest < 0) return { index: i, scratch: exps };
  }
  return { index: last, scratch: exps };
}

/**
 * Draws from a probability vector (e.g. a softmax already taken at the right temperature) with
 * the uniform number `u`, index `excluded` (if ≥ 0) taken out and the rest renormalised. With
 * `greedy`, the arg-max (first on ties). Normalises by the vector's own sum, so float32 rounding
 * of a softmax leaves no sliver of mass.
 */
export function drawFromProbabilities(probs: ArrayLike<number>, u: number, excluded = -1, greedy = false): number {
  const n = probs.length;
  if (greedy) {
    let best = -Infinity;
    let argMax = excluded === 0 && n > 1 ? 1 : 0;
    for (let i = 0; i < n; i++) if (i !== excluded && probs[i] > best) [best, argMax] = [probs[i], i];
    return argMax;
  }
  let sum = 0;
  for (let i = 0; i < n; i++) if (i !== excluded) sum += probs[i];
  if (!(sum > 0) || !Number.isFinite(sum)) return drawFromProbabilities(probs, u, excluded, true);
  let rest = u * sum;
  let last = -1;
  for (let i = 0; i < n; i++) {
    const p = probs[i];
    if (i === excluded || !(p > 0)) continue;
    last = i;
    rest -= p;
    if (rest < 0) return i;
  }
  return last; // rounding left a sliver of mass: take the last possible index
}

/**
 * Samples one quatrain: starts from a window of break markers (then the prefix), draws each next
 * word from softmax(scores / temperature), stops at the break marker or at maxWords. A scorer
 * that is also a NextWordSampler draws the word itself; either way each word consumes one
 * `random()`, so a seed gives the same quatrain on both paths (up to float rounding at a draw's
 * boundary).
 * @returns class ids, prefix first, without break markers
 */
export async function sampleTokens(scorer: NextWordScorer, opts: SampleOptions): Promise<number[]> {
  const L = scorer.phraseLength;
  const tokens = [...(opts.prefix ?? [])];
  const minWords = opts.minWords ?? 0;
  const sampler = isSampler(scorer) ? scorer : undefined;
  let scratch: Float64Array | undefined;
  while (tokens.length < opts.maxWords) {
    // The last L tokens, left-padded with break markers (a fresh window: a batching scorer may hold it until its pass).
    const window = new Int32Array(L);
    for (let k = 0; k < L; k++) {
      const i = tokens.length - L + k;
      window[k] = i >= 0 ? tokens[i] : BREAK_ID;
    }
    const noBreak = tokens.length < minWords;
    const uniform = opts.random();
    let next: number;
    if (sampler) {
      next = await sampler.drawNext(window, { temperature: opts.temperature, uniform, noBreak });
    } else {
      const drawn = drawFromScores(await scorer.scores(window, 1), opts.temperature, uniform, noBreak ? BREAK_ID : -1, scratch);
      [next, scratch] = [drawn.index, drawn.scratch];
    }
    if (next === BREAK_ID) break;
    tokens.push(next);
  }
  return tokens.slice(0, Math.max(opts.maxWords, 0));
}
