import { describe, expect, it } from "vitest";
import { embeddingMatrix, RANDOM_SCALE } from "../../../core/glove/index.ts";

describe("embeddingMatrix", () => {
  const vectors = new Map([
    ["king", Float32Array.of(1, 2)],
    ["the", Float32Array.of(3, 4)],
    ["<break>", Float32Array.of(9, 9)],
  ]);
  const words = ["<break>", "the", "king", "prophet"];

  it("copies GloVe rows, fills the rest with small seeded random vectors and reports coverage", () => {
    const { matrix, coverage } = embeddingMatrix(words, vectors, 2, 7);
    expect(matrix).toHaveLength(8);
    expect([...matrix.subarray(2, 6)]).toEqual([3, 4, 1, 2]);
    expect(coverage).toBeCloseTo(2 / 3);
    // The marker row is random even if a vector for its spelling exists; so is the unknown word.
    for (const value of [...matrix.subarray(0, 2), ...matrix.subarray(6, 8)]) {
      expect(Math.abs(value)).toBeLessThanOrEqual(RANDOM_SCALE);
      expect(value).not.toBe(0);
    }
  });

  it("is reproducible for a seed and differs between seeds", () => {
    expect(embeddingMatrix(words, vectors, 2, 7).matrix).toEqual(embeddingMatrix(words, vectors, 2, 7).matrix);
    expect(embeddingMatrix(words, vectors, 2, 8).matrix).not.toEqual(embeddingMatrix(words, vectors, 2, 7).matrix);
  });

  it("rejects vectors of the wrong width", () => {
    expect(() => embeddingMatrix(words, vectors, 3, 1)).toThrow(/expected 3/);
  });
});
