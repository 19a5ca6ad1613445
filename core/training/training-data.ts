import { classWeights, makeExamples, selectExamples, splitExamples, type Examples } from "../model/index.ts";

export interface TrainingData {
  train: Examples;
  validation: Examples;
  /** float32 [V]: count^power per word; the break marker gets the words' mean weight (see classWeights). */
  classWeights: Float32Array;
}

export interface TrainingDataOptions {
  phraseLength: number;
  validationFraction: number;
  seed: number;
  classWeightPower: number;
}

/** Windows over the documents, the seeded train/validation split and the class weights. Pure. */
export function trainingData(docsAsIds: number[][], counts: readonly number[], opts: TrainingDataOptions): TrainingData {
  const examples = makeExamples(docsAsIds, opts.phraseLength);
  const split = splitExamples(examples.count, opts.validationFraction, opts.seed);
  return {
    train: selectExamples(examples, split.train),
    validation: selectExamples(examples, split.validation),
    classWeights: classWeights(counts, opts.classWeightPower),
  };
}
