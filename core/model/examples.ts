/**
 * Training examples: each window of `phraseLength` class ids and the id that follows it (the window
 * model), or each whole quatrain with the id after every position (the sequence model: see
 * makeSequenceExamples; `targetWidth` and `lengths` set).
 */
export interface Examples {
  /** Row-major [count, phraseLength]. */
  inputs: Int32Array;
  /** [count, targetWidth]; -1 marks padding. */
  targets: Int32Array;
  count: number;
  phraseLength: number;
  /** Targets per row: 1 for windows (absent), phraseLength for sequences. */
  targetWidth?: number;
  /** Sequences only: the real (unpadded) targets of each row. */
  lengths?: Int32Array;
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
  const W = examples.targetWidth ?? 1;
  const inputs = new Int32Array(indices.length * L);
  const targets = new Int32Array(indices.length * W);
  for (let i = 0; i < indices.length; i++) {
    const src = indices[i];
    inputs.set(examples.inputs.subarray(src * L, src * L + L), i * L);
    targets.set(examples.targets.subarray(src * W, src * W + W), i * W);
  }
  const lengths = examples.lengths ? Int32Array.from(indices, (i) => examples.lengths![i]) : undefined;
  return {
    inputs,
    targets,
    count: indices.length,
    phraseLength: L,
    ...(examples.targetWidth === undefined ? {} : { targetWidth: W }),
    ...(lengths ? { lengths } : {}),
  };
}

/** True for whole-quatrain examples (makeSequenceExamples). */
export const isSequenceExamples = (examples: Examples): boolean => examples.lengths !== undefined;

/** Padding of a sequence's targets. */
const PAD_TARGET = -1;

/**
 * One row per document: inputs `[0] + doc` and targets `doc + [0]` (0 = break marker, here the
 * end-of-quatrain token the model learns to predict), padded to the longest document + 1 with break
 * markers (inputs) and PAD_TARGET (targets). The same n + 1 predicted tokens per document as
 * makeExamples' windows, so both models are scored on the same events.
 */
export function makeSequenceExamples(docsAsIds: readonly (readonly number[])[], width?: number): Examples {
  const T = width ?? docsAsIds.reduce((m, doc) => Math.max(m, doc.length + 1), 1);
  const count = docsAsIds.length;
  const inputs = new Int32Array(count * T).fill(BREAK_ID);
  const targets = new Int32Array(count * T).fill(PAD_TARGET);
  const lengths = new Int32Array(count);
  docsAsIds.forEach((doc, i) => {
    if (doc.length + 1 > T) throw new Error(`a document of ${doc.length} tokens does not fit sequences of ${T}`);
    inputs.set(doc, i * T + 1);
    targets.set(doc, i * T);
    targets[i * T + doc.length] = BREAK_ID;
    lengths[i] = doc.length + 1;
  });
  return { inputs, targets, count, phraseLength: T, targetWidth: T, lengths };
}

/** The documents the examples were made from (either kind), as class ids. */
export function documentsOfExamples(examples: Examples): number[][] {
  if (examples.lengths) {
    const T = examples.phraseLength;
    return Array.from(examples.lengths, (n, i) => Array.from(examples.inputs.subarray(i * T + 1, i * T + n)));
  }
  // Windows: every document's targets are its tokens, then one break marker.
  const docs: number[][] = [];
  let doc: number[] = [];
  for (const t of examples.targets) {
    if (t === BREAK_ID) {
      docs.push(doc);
      doc = [];
    } else doc.push(t);
  }
  return docs;
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
    weighted += counts[id] * weights[id];
    total += counts[id];
  }
  if (weights.length > 0) weights[BREAK_ID] = total > 0 ? weighted / total : 1;
  return weights;
}
