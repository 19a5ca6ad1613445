// A small slice of the real corpus, encoded as the model trains on it.
import { buildVocabulary, encodeDocuments, readCorpus, tokenize, type Vocabulary } from "../../core/corpus/index.ts";
import { makeExamples, type Examples } from "../../core/model/index.ts";
import { trainingData } from "../../core/training/training-data.ts";
import { testCorpusPath } from "./paths.ts";

export interface Slice {
  vocab: Vocabulary;
  vocabSize: number;
  docs: number[][];
  examples: Examples;
  train: Examples;
  validation: Examples;
  /** √count, as training uses. */
  classWeights: Float32Array;
}

/** The first `documents` quatrains, phrase length L, a seeded 10 % validation split of whole quatrains (no test part). */
export async function corpusSlice(documents: number, phraseLength = 4): Promise<Slice> {
  const corpus = await readCorpus(testCorpusPath);
  const tokens = corpus.documents.slice(0, documents).map(tokenize);
  const vocab = buildVocabulary(tokens);
  const docs = encodeDocuments(tokens, vocab.words);
  const data = trainingData(docs, vocab.words, vocab.counts, {
    phraseLength,
    validationFraction: 0.1,
    seed: 42,
    testFraction: 0,
    testSeed: 0,
    classWeightPower: 0.5,
  });
  return {
    vocab,
    vocabSize: vocab.words.length,
    docs,
    examples: makeExamples(docs, phraseLength),
    train: data.train,
    validation: data.validation,
    classWeights: data.classWeights,
  };
}
