import {
  buildCasingTable,
  buildVocabulary,
  encodeDocuments,
  tokenize,
  type CasingTable,
  type Corpus,
  type Vocabulary,
} from "../corpus/index.ts";
import { BREAK_ID } from "../corpus/index.ts";

/** A corpus turned into what training and sampling need. */
export interface PreparedCorpus {
  sha256: string;
  documents: number;
  vocabulary: Vocabulary;
  casing: CasingTable;
  /** Each document as class ids (no break markers). */
  docsAsIds: number[][];
  /** The whole corpus as one id stream, a break marker after each document (stored with the version). */
  corpusIds: Int32Array;
}

/** Tokenizes every document and builds the vocabulary and casing table. Pure. */
export function prepareCorpus(corpus: Corpus): PreparedCorpus {
  const tokenized = corpus.documents.map(tokenize);
  const vocabulary = buildVocabulary(tokenized);
  const docsAsIds = encodeDocuments(tokenized, vocabulary.words);
  return {
    sha256: corpus.sha256,
    documents: corpus.documents.length,
    vocabulary,
    casing: buildCasingTable(corpus.documents),
    docsAsIds,
    corpusIds: Int32Array.from(docsAsIds.flatMap((doc) => [...doc, BREAK_ID])),
  };
}
