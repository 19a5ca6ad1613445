import { createHash } from "node:crypto";
import { classWeights, makeExamples, makeSequenceExamples, type Architecture, type Examples } from "../model/index.ts";

/** Which documents (indices) each part gets. */
export interface DocumentSplit {
  train: number[];
  validation: number[];
  test: number[];
}

export interface TrainingData {
  train: Examples;
  validation: Examples;
  /** Windows of the held-out test quatrains: never trained on, tuned on or gated on. */
  test: Examples;
  split: DocumentSplit;
  /** float32 [V]: count^power per word; the break marker gets the words' mean weight (see classWeights). */
  classWeights: Float32Array;
}

export interface TrainingDataOptions {
  /** Whole quatrains (sequence) or windows of phraseLength (window; the default). */
  architecture?: Architecture;
  phraseLength: number;
  validationFraction: number;
  /** Seed of the train/validation split. */
  seed: number;
  testFraction: number;
  /** Seed of the test split: fixed apart from the training seed, so no run or search ever sees the test quatrains. */
  testSeed: number;
  classWeightPower: number;
}

/** A uniform number in [0, 1) from a document's text and a seed (sha256), so a quatrain's part does not move when others are added. */
function hashUniform(seed: string, key: string): number {
  return createHash("sha256").update(`${seed}\u0000${key}`).digest().readUInt32BE(0) / 2 ** 32;
}

/**
 * Splits whole documents (before any window is cut, so no test or validation word stands in a
 * training window): a document is a test one when the hash of its text with `testSeed` falls below
 * `testFraction`, then a validation one when another hash with `seed` falls below
 * `validationFraction`. Each held-out part gets at least one document when there are three or more.
 * `keys[i]` is document i's text (equal texts share a part).
 */
export function splitDocuments(
  keys: readonly string[],
  opts: Pick<TrainingDataOptions, "validationFraction" | "seed" | "testFraction" | "testSeed">,
): DocumentSplit {
  const testU = keys.map((k) => hashUniform(`test:${opts.testSeed}`, k));
  const valU = keys.map((k) => hashUniform(`validation:${opts.seed}`, k));
  const split: DocumentSplit = { train: [], validation: [], test: [] };
  keys.forEach((_, i) => {
    if (testU[i] < opts.testFraction) split.test.push(i);
    else if (valU[i] < opts.validationFraction) split.validation.push(i);
    else split.train.push(i);
  });
  // Tiny corpora (tests): move the training document with the smallest hash to an empty held-out part.
  const steal = (u: number[]) => {
    const at = split.train.reduce((best, d, k) => (u[d] < u[split.train[best]] ? k : best), 0);
    return split.train.splice(at, 1)[0];
  };
  if (keys.length >= 3 && opts.testFraction > 0 && split.test.length === 0) split.test.push(steal(testU));
  if (keys.length >= 3 && split.validation.length === 0) split.validation.push(steal(valU));
  split.test.sort((a, b) => a - b);
  split.validation.sort((a, b) => a - b);
  return split;
}

/** Windows (or whole quatrains) over each part's documents, and the class weights. Pure. */
export function trainingData(
  docsAsIds: readonly (readonly number[])[],
  words: readonly string[],
  counts: readonly number[],
  opts: TrainingDataOptions,
): TrainingData {
  const split = splitDocuments(
    docsAsIds.map((doc) => doc.map((id) => words[id]).join(" ")),
    opts,
  );
  const part = (indices: number[]) => {
    const docs = indices.map((i) => docsAsIds[i]);
    return opts.architecture === "sequence" ? makeSequenceExamples(docs) : makeExamples(docs, opts.phraseLength);
  };
  return {
    train: part(split.train),
    validation: part(split.validation),
    test: part(split.test),
    split,
    classWeights: classWeights(counts, opts.classWeightPower),
  };
}
