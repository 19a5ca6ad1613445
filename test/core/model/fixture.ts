// A small slice of the real corpus, encoded, plus the backend the project uses (wasm + its kernels).
import { initBackend } from "../../../core/tf/backend.ts";
import { buildVocabulary, encodeDocuments, readCorpus, tokenize, type Vocabulary } from "../../../core/corpus/index.ts";
import { makeExamples, selectExamples, splitExamples, type Examples } from "../../../core/model/index.ts";
import { testCorpusPath } from "../../helpers/paths.ts";

export interface Slice {
  vocab: Vocabulary;
  docs: number[][];
  examples: Examples;
  train: Examples;
  validation: Examples;
}

/** The first `documents` quatrains, phrase length 4, a 10 % validation split. */
export async function corpusSlice(documents: number, phraseLength = 4): Promise<Slice> {
  await initBackend({ preference: "wasm" });
  const corpus = await readCorpus(testCorpusPath);
  const tokens = corpus.documents.slice(0, documents).map(tokenize);
  const vocab = buildVocabulary(tokens);
  const docs = encodeDocuments(tokens, vocab.words);
  const examples = makeExamples(docs, phraseLength);
  const split = splitExamples(examples.count, 0.1, 42);
  return { vocab, docs, examples, train: selectExamples(examples, split.train), validation: selectExamples(examples, split.validation) };
}

/** A small network of the real architecture. */
export const smallModel = (vocabSize: number, overrides: Partial<{ dropout: number; recurrentDropout: number; l2: number; seed: number }> = {}) => ({
  vocabSize, embeddingDim: 16, phraseLength: 4, units: 24, dropout: 0.5, recurrentDropout: 0.5, l2: 0.02, seed: 3, ...overrides,
});
