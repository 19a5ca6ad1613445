// The shape of a set of examples, apart from their making (examples.ts, training code): the
// sequence model's evaluation names it and is loaded by serving.
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
