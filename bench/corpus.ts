import { readCorpus, type Vocabulary } from "../core/corpus/index.ts";
import type { Examples } from "../core/model/index.ts";
import { prepareCorpus as prepare } from "../core/training/prepare-corpus.ts";
import { trainingData, type TrainingDataOptions } from "../core/training/training-data.ts";

export interface Prepared {
  vocabulary: Vocabulary;
  docsAsIds: number[][];
  train: Examples;
  validation: Examples;
  classWeights: Float32Array;
}

/** The full corpus as the trainer prepares it (same split and class weights). */
export async function prepareCorpus(path: string, opts: TrainingDataOptions): Promise<Prepared> {
  const { vocabulary, docsAsIds } = prepare(await readCorpus(path));
  return { vocabulary, docsAsIds, ...trainingData(docsAsIds, vocabulary.words, vocabulary.counts, opts) };
}
