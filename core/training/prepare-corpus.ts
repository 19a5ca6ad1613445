import { buildCasingTable, buildVocabulary, encodeDocuments, tokenize, type CasingTable, type Corpus, type Vocabulary } from "../corpus/index.ts";
import { BREAK_ID } from "../model/index.ts";

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

/** Splits a stored id stream back into documents (inverse of PreparedCorpus.corpusIds). */
export function documentsOfIds(ids: ArrayLike<number>): number[][] {
  const docs: number[][] = [];
  let current: number[] = [];
  for (let i = 0; i < ids.length; i++) {
    if (ids[i] === BREAK_ID) {
      docs.push(current);
      current = [];
    } else current.push(ids[i]!);
  }
  if (current.length) docs.push(current);
  return docs;
}

/** int32 ids ↔ little-endian bytes, as stored in ModelVersion.corpusIds. */
export const idsToBytes = (ids: Int32Array): Uint8Array => {
  const out = new Uint8Array(ids.length * 4);
  const view = new DataView(out.buffer);
  ids.forEach((id, i) => view.setInt32(i * 4, id, true));
  return out;
};

export const bytesToIds = (bytes: Uint8Array): Int32Array => {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Int32Array.from({ length: bytes.byteLength / 4 }, (_, i) => view.getInt32(i * 4, true));
};
