/** Training examples: each window of `phraseLength` class ids and the id that follows it. */
export interface Examples {
  /** Row-major [count, phraseLength]. */
  inputs: Int32Array;
  /** [count]. */
  targets: Int32Array;
  count: number;
  phraseLength: number;
}

import { BREAK_ID } from "../corpus/tokenize.ts";

export { BREAK_ID };

/**
 * Every window of `phraseLength` ids predicting the next id, over each document written as
 * `[0 × phraseLength] + doc + [0]` (0 = break marker).
 *
 * Unlike the seed (one leading marker), the start is padded with `phraseLength` markers: generation
 * starts from an all-marker window, which the seed never trained on; here the first window of every
 * quatrain is exactly that, so the first words are drawn from the distribution of quatrain openings.
 * A document of n tokens gives n + 1 examples (each token, then the end marker).
 */
export function makeExamples(docsAsIds: readonly (readonly number[])[], phraseLength: number): Examples {
  const count = docsAsIds.reduce((n, doc) => n + doc.length + 1, 0);
  const inputs = new Int32Array(count * phraseLength);
  const targets = new Int32Array(count);
  let row = 0;
  for (const doc of docsAsIds) {
    const sequence = [...new Array<number>(phraseLength).fill(BREAK_ID), ...doc, BREAK_ID];
    for (let start = 0; start + phraseLength < sequence.length; start++, row++) {
      for (let k = 0; k < phraseLength; k++) inputs[row * phraseLength + k] = sequence[start + k];
      targets[row] = sequence[start + phraseLength];
    }
  }
  return { inputs, targets, count, phraseLength };
}

/** The examples at `indices`, in that order. */
export function selectExamples(examples: Examples, indices: ArrayLike<number>): Examples {
  const { phraseLength: L } = examples;
  const inputs = new Int32Array(indices.length * L);
  const targets = new Int32Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const src = indices[i];
    inputs.set(examples.inputs.subarray(src * L, src * L + L), i * L);
    targets[i] = examples.targets[src];
  }
  return { inputs, targets, count: indices.length, phraseLength: L };
}

/**
 * Loss weight per class as the seed does: count^power (√count for power 0.5), which tilts samples
 * towards frequent words. Classes with count 0 get weight 0^power (1 when power is 0).
 *
 * Unlike the seed, the break marker gets the mean weight of the words it competes with (weighted
 * by their counts), so the tilt neither suppresses nor favours ending a quatrain. The seed left
 * it at 1 (Keras' Tokenizer never counts index 0): against weights up to ~45 the model hardly ever
 * ends a quatrain and samples run to the length cap; at its own √count it ends them too soon.
 * @returns Float32Array [V]
 */
export function classWeights(counts: readonly number[], power: number): Float32Array {
  const weights = Float32Array.from(counts, (c) => c ** power);
  let weighted = 0;
  let total = 0;
  for (let id = BREAK_ID + 1; id < counts.length; id++) {
    weighted += counts[id]! * weights[id]!;
    total += counts[id]!;
  }
  if (weights.length > 0) weights[BREAK_ID] = total > 0 ? weighted / total : 1;
  return weights;
}
