import type * as tf from "@tensorflow/tfjs";
import {
  fitKneserNey,
  perplexity,
  perplexityWithUnknown,
  trigramsOfExamples,
  type HeldOutPerplexities,
} from "../eval/index.ts";
import {
  BREAK_ID,
  documentsOfExamples,
  evaluateWithUnknown,
  isSequenceExamples,
  makeExamples,
  type Examples,
} from "../model/index.ts";

export type { HeldOutPerplexities };

const contextsOf = (examples: Examples) =>
  Array.from({ length: examples.count }, (_, i) =>
    examples.inputs.subarray(i * examples.phraseLength, (i + 1) * examples.phraseLength),
  );

/** Ids that occur in no training target: the unknown class of the test part. */
export function unknownWords(train: Examples, vocabSize: number): Uint8Array {
  const unknown = new Uint8Array(vocabSize).fill(1);
  for (const id of train.targets) unknown[id] = 0;
  unknown[BREAK_ID] = 0;
  return unknown;
}

/**
 * Scores the trained GRU and a trigram fitted on the same training windows on validation and test.
 * On test, a word the training part never had is one unknown class for both (its probability is
 * the sum over all such words), and the count of such tokens is reported.
 */
export function heldOutPerplexities(
  model: tf.LayersModel,
  data: { train: Examples; validation: Examples; test: Examples },
  opts: { vocabSize: number; valLoss: number; batchSize: number },
): HeldOutPerplexities {
  // The trigram reads the same tokens as windows of two, whichever model (whole quatrains are cut so).
  const windows = (e: Examples) => (isSequenceExamples(e) ? makeExamples(documentsOfExamples(e), 2) : e);
  const [train, validation, test] = [windows(data.train), windows(data.validation), windows(data.test)];
  // The trigram needs two words of context: windows of length 1 get a break marker in front.
  const pad = (e: Examples) =>
    e.phraseLength >= 2 ? contextsOf(e) : contextsOf(e).map((c) => Int32Array.of(BREAK_ID, c[0]));
  const kn = fitKneserNey(trigramsOfExamples(pad(train), train.targets), opts.vocabSize);
  const unknown = unknownWords(train, opts.vocabSize);
  const unknownSet = new Set<number>();
  unknown.forEach((u, id) => {
    if (u) unknownSet.add(id);
  });
  const gru = evaluateWithUnknown(model, data.test, unknown, opts.batchSize);
  return {
    perplexity: Math.exp(opts.valLoss),
    kneserNeyPerplexity: validation.count
      ? perplexity(kn, trigramsOfExamples(pad(validation), validation.targets))
      : NaN,
    testPerplexity: Math.exp(gru.loss),
    testKneserNeyPerplexity: test.count
      ? perplexityWithUnknown(kn, trigramsOfExamples(pad(test), test.targets), unknownSet)
      : NaN,
    testTokens: test.count,
    testUnknownTokens: gru.unknownTokens,
  };
}
