import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadGloveVectors, embeddingMatrix } from "../core/glove/index.ts";

export interface GloveFigures {
  source: string;
  coldSeconds: number;
  cachedSeconds: number;
  coverage: number;
  dim: number;
}

/**
 * GloVe initialisation for the vocabulary: cold (an empty cache directory, so the source is
 * parsed) and cached (the same call again), each up to a ready embedding matrix.
 */
export async function benchGlove(
  source: string,
  words: readonly string[],
  seed: number,
): Promise<GloveFigures & { matrix: Float32Array }> {
  const cacheDir = await mkdtemp(path.join(tmpdir(), "oracle-bench-glove-"));
  try {
    const timed = async () => {
      const started = performance.now();
      const glove = await loadGloveVectors({ source, words, cacheDir });
      const { matrix, coverage } = embeddingMatrix(words, glove.vectors, glove.dim, seed);
      return {
        seconds: (performance.now() - started) / 1000,
        matrix,
        coverage,
        dim: glove.dim,
        fromCache: glove.fromCache,
      };
    };
    const cold = await timed();
    const cached = await timed();
    if (cold.fromCache || !cached.fromCache) throw new Error("GloVe bench: expected a cold read then a cached one");
    return {
      source,
      coldSeconds: cold.seconds,
      cachedSeconds: cached.seconds,
      coverage: cached.coverage,
      dim: cached.dim,
      matrix: cached.matrix,
    };
  } finally {
    await rm(cacheDir, { recursive: true, force: true });
  }
}
