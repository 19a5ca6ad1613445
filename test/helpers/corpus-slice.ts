// A small slice of the real corpus, encoded as the model trains on it.
import { buildVocabulary, encodeDocuments, readCorpus, tokenize, type Vocabulary } from "../../core/corpus/index.ts";
import { classWeights, makeExamples, selectExamples, splitExamples, type Examples } from "../../core/model/index.ts";
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

/** The first `documents` quatrains, phrase length L, a seeded 10 % validation split. */
export async function corpusSlice(documents: number, phraseLength = 4): Promise<Slice> {
  const corpus = await readCorpus(testCorpusPath);
  const tokens = corpus.documents.slice(0, documents).map(tokenize);
  const vocab = buildVocabulary(tokens);
  const docs = encodeDocuments(tokens, vocab.words);
  const examples = makeExamples(docs, phraseLength);
  const split = splitExamples(examples.count, 0.1, 42);
  return {
    vocab, vocabSize: vocab.words.length, docs, examples,
    train: selectExamples(examples, split.train),
    validation: selectExamples(examples, split.validation),
    classWeights: classWeights(vocab.counts, 0.5),
  };
}
