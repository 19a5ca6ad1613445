import seedrandom from "seedrandom";
import type { WordVectors } from "./types.ts";

/** Half-width of the uniform range of vectors for words GloVe lacks (Keras' default embedding init). */
export const RANDOM_SCALE = 0.05;

/**
 * The initial embedding matrix: row i is the GloVe vector of words[i], or a small seeded random
 * vector (uniform ±0.05) when GloVe lacks it; the break marker (row 0) is always random.
 * @returns matrix float32 row-major [V, E]; coverage = share of words[1..] found in GloVe
 */
export function embeddingMatrix(
  words: readonly string[],
  vectors: WordVectors["vectors"],
  dim: number,
  seed: number,
): { matrix: Float32Array; coverage: number } {
  const random = seedrandom.alea(`embedding-${seed}`);
  const matrix = new Float32Array(words.length * dim);
  let found = 0;
  words.forEach((word, i) => {
    const vector = i === 0 ? undefined : vectors.get(word);
    if (vector) {
      if (vector.length !== dim) throw new Error(`vector of "${word}" has ${vector.length} values, expected ${dim}`);
      matrix.set(vector, i * dim);
      found++;
    } else {
      for (let k = 0; k < dim; k++) matrix[i * dim + k] = (random() * 2 - 1) * RANDOM_SCALE;
    }
  });
  return { matrix, coverage: words.length > 1 ? found / (words.length - 1) : 0 };
}
