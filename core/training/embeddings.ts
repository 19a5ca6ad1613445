import type { Config } from "../../config/schema.ts";
import { embeddingMatrix, loadGloveVectors } from "../glove/index.ts";
import type { Logger } from "../logger.ts";

/** The initial embedding matrix for a vocabulary, from the configured GloVe source (cached). */
export async function loadEmbeddings(glove: Config["glove"], words: readonly string[], seed: number, log: Logger) {
  const loaded = await loadGloveVectors({ source: glove.source, words, cacheDir: glove.cacheDir, logger: log });
  const { matrix, coverage } = embeddingMatrix(words, loaded.vectors, loaded.dim, seed);
  log.info(
    { source: loaded.sourceId, fromCache: loaded.fromCache, seconds: loaded.seconds, coverage },
    "GloVe vectors loaded",
  );
  return { dim: loaded.dim, matrix, coverage, source: loaded.sourceId };
}
