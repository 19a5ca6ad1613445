import { readCorpus, tokenize, buildVocabulary, encodeDocuments } from "../../../core/corpus/index.ts";
import { makeExamples, selectExamples, splitExamples, classWeights, type Examples } from "../../../core/model/index.ts";
import { testCorpusPath } from "../../helpers/paths.ts";

export interface Slice {
  vocabSize: number;
  train: Examples;
  validation: Examples;
  classWeights: Float32Array;
}

/** The first `documents` quatrains of the real corpus as training examples (phrase length L). */
export async function corpusSlice(documents: number, phraseLength = 4): Promise<Slice> {
  const corpus = await readCorpus(testCorpusPath);
  const tokenized = corpus.documents.slice(0, documents).map(tokenize);
  const vocabulary = buildVocabulary(tokenized);
  const examples = makeExamples(encodeDocuments(tokenized, vocabulary.words), phraseLength);
  const split = splitExamples(examples.count, 0.1, 42);
  return {
    vocabSize: vocabulary.words.length,
    train: selectExamples(examples, split.train),
    validation: selectExamples(examples, split.validation),
    classWeights: classWeights(vocabulary.counts, 0.5),
  };
}
