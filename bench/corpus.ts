import { readCorpus, tokenize, buildVocabulary, encodeDocuments, type Vocabulary } from "../core/corpus/index.ts";
import { makeExamples, selectExamples, splitExamples, classWeights, type Examples } from "../core/model/index.ts";

export interface Prepared {
  vocabulary: Vocabulary;
  docsAsIds: number[][];
  train: Examples;
  validation: Examples;
  classWeights: Float32Array;
}

/** The full corpus as the trainer prepares it (same split and class weights). */
export async function prepareCorpus(path: string, opts: { phraseLength: number; validationFraction: number; seed: number; classWeightPower: number }): Promise<Prepared> {
  const corpus = await readCorpus(path);
  const tokenized = corpus.documents.map(tokenize);
  const vocabulary = buildVocabulary(tokenized);
  const docsAsIds = encodeDocuments(tokenized, vocabulary.words);
  const examples = makeExamples(docsAsIds, opts.phraseLength);
  const split = splitExamples(examples.count, opts.validationFraction, opts.seed);
  return {
    vocabulary, docsAsIds,
    train: selectExamples(examples, split.train),
    validation: selectExamples(examples, split.validation),
    classWeights: classWeights(vocabulary.counts, opts.classWeightPower),
  };
}
