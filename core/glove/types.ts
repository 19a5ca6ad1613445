/** Word vectors for (a subset of) a vocabulary. */
export interface WordVectors {
  /** E: the width of every vector. */
  dim: number;
  /** word → float32 [E]; only words of the vocabulary that the source has. */
  vectors: Map<string, Float32Array>;
}
