import { readCorpus, tokenize, type Corpus } from "../corpus/index.ts";
import { UserError } from "../errors.ts";

export interface CorpusMinimum {
  minDocuments: number;
  minTokens: number;
}

/**
 * Reads the corpus a run trains on and refuses one too small to be a corpus (a wrong CORPUS_PATH,
 * a one-line test file), saying how small and where it came from. Cheap: no tfjs.
 */
export async function readTrainingCorpus(file: string, minimum: CorpusMinimum): Promise<Corpus> {
  const corpus = await readCorpus(file);
  const documents = corpus.documents.length;
  const tokens = corpus.documents.reduce((sum, doc) => sum + tokenize(doc).length, 0);
  if (documents < minimum.minDocuments || tokens < minimum.minTokens) {
    throw new UserError(
      `Corpus too small to train on: ${corpus.path} has ${documents} document(s) and ${tokens} token(s); the minimum is ${minimum.minDocuments} documents and ${minimum.minTokens} tokens.`,
      "Check CORPUS_PATH or --corpus (oracle setup fetches the quatrains), or lower CORPUS_MIN_DOCUMENTS / CORPUS_MIN_TOKENS.",
    );
  }
  return corpus;
}
