export { readCorpus, type Corpus } from "./read-corpus.ts";
export { BREAK_TOKEN, BREAK_ID, tokenize, surfaceTokens, isPunctuation, endsSentence } from "./tokenize.ts";
export { buildVocabulary, wordIndex, encodeTokens, encodeDocuments, type Vocabulary } from "./vocabulary.ts";
export { buildCasingTable, type CasingTable } from "./casing.ts";
export { formatQuatrain } from "./format.ts";
export { documentsOfIds, idsToBytes, bytesToIds } from "./ids.ts";
