import { describe, expect, it } from "vitest";
import { drawFromProbabilities, drawFromScores, drawIndex, entropy, sampleTokens, seededRandom, softmaxWithTemperature, type NextWordScorer } from "../../../core/model/index.ts";

describe("softmaxWithTemperature", () => {
  const logProbs = [0.5, 0.3, 0.2].map(Math.log);

  it("at T = 1 gives back the distribution the log-probabilities describe", () => {
    const p = softmaxWithTemperature(logProbs, 1);
    expect(p[0]).toBeCloseTo(0.5, 12);
    expect(p[2]).toBeCloseTo(0.2, 12);
  });

  it("concentrates on the arg-max as T → 0 and flattens as T grows", () => {
    expect([...softmaxWithTemperature(logProbs, 0)]).toEqual([1, 0, 0]);
    expect(softmaxWithTemperature(logProbs, 0.01)[0]).toBeGreaterThan(0.999);
    const h = [0.01, 0.5, 1, 2, 10].map((t) => entropy(softmaxWithTemperature(logProbs, t)));
    for (let i = 1; i < h.length; i++) expect(h[i]).toBeGreaterThan(h[i - 1]);
    expect(h[h.length - 1]).toBeLessThan(Math.log(3) + 1e-12);
  });

  it("handles logits of any offset without overflow", () => {
    const p = softmaxWithTemperature([1000, 999, -Infinity], 1);
    expect(p[0] + p[1]).toBeCloseTo(1, 12);
    expect(p[2]).toBe(0);
  });
});

describe("drawIndex", () => {
  it("draws by cumulative probability and never an impossible index", () => {
    expect(drawIndex([0.2, 0.5, 0.3], () => 0.1)).toBe(0);
    expect(drawIndex([0.2, 0.5, 0.3], () => 0.69)).toBe(1);
    expect(drawIndex([0.2, 0.5, 0.3], () => 0.71)).toBe(2);
    expect(drawIndex([0.5, 0.5, 0], () => 0.9999999999999999)).toBe(1);
  });
});

// The sampling loop's bookkeeping with a scorer that records its windows; the model-backed
// behaviour is tested in sample-model.test.ts.
describe("sampleTokens bookkeeping", () => {
  /** Always prefers (last id + 1), and the break marker after id 5. */
  const counting = (seen: number[][]): NextWordScorer => ({
    vocabSize: 8,
    phraseLength: 3,
    async scores(windows, batch) {
      expect(batch).toBe(1);
      seen.push([...windows]);
      const last = windows[2];
      const out = new Float32Array(8).fill(-20);
      out[last >= 5 ? 0 : last + 1] = 0;
      return out;
    },
  });

  it("starts from break markers, slides the window, and stops at the break marker", async () => {
    const seen: number[][] = [];
    const tokens = await sampleTokens(counting(seen), { temperature: 0.01, maxWords: 50, random: seededRandom(1) });
    expect(tokens).toEqual([1, 2, 3, 4, 5]);
    expect(seen.slice(0, 3)).toEqual([[0, 0, 0], [0, 0, 1], [0, 1, 2]]);
  });

  it("continues a prefix and caps the length", async () => {
    const seen: number[][] = [];
    expect(await sampleTokens(counting(seen), { temperature: 0, maxWords: 50, prefix: [3], random: Math.random })).toEqual([3, 4, 5]);
    expect(seen[0]).toEqual([0, 0, 3]);
    expect(await sampleTokens(counting([]), { temperature: 0, maxWords: 2, random: Math.random })).toEqual([1, 2]);
  });

  it("cannot end before minWords tokens, then may", async () => {
    // After id 5 the scorer wants the break marker; masked, the (tied) next best is id 1, and the
    // count starts again until the marker is allowed and wanted.
    const tokens = await sampleTokens(counting([]), { temperature: 0, minWords: 7, maxWords: 50, random: Math.random });
    expect(tokens).toEqual([1, 2, 3, 4, 5, 1, 2, 3, 4, 5]);
  });
});

describe("drawFromScores and drawFromProbabilities", () => {
  const scores = [2.1, -0.3, 1.4, 0.9, -5, 3.0].map((x) => x - 1);

  it("drawFromScores draws as drawIndex(softmaxWithTemperature(...)) with the same uniform number", () => {
    for (const t of [0, 0.3, 1, 2.5]) {
      for (let k = 0; k < 200; k++) {
        const u = (k + 0.5) / 200;
        expect(drawFromScores(scores, t, u).index).toBe(drawIndex(softmaxWithTemperature(scores, t), () => u));
      }
    }
  });

  it("an excluded index is never drawn; the rest keep their relative odds", () => {
    const masked = scores.map((s, i) => (i === 5 ? -Infinity : s));
    let scratch: Float64Array | undefined;
    for (const t of [0, 0.5, 1]) {
      for (let k = 0; k < 200; k++) {
        const u = (k + 0.5) / 200;
        const drawn = drawFromScores(scores, t, u, 5, scratch);
        scratch = drawn.scratch;
        expect(drawn.index).toBe(drawIndex(softmaxWithTemperature(masked, t), () => u));
        const probs = Float32Array.from(softmaxWithTemperature(scores, t === 0 ? 1 : t));
        expect(drawFromProbabilities(probs, u, 5, t === 0)).toBe(drawn.index);
      }
    }
  });

  it("drawFromProbabilities normalises by the vector's own sum and falls back to the arg-max on no mass", () => {
    expect(drawFromProbabilities([0.4, 1.0, 0.6], 0.15)).toBe(0); // sum 2: 0.15 × 2 = 0.3 < 0.4
    expect(drawFromProbabilities([0.4, 1.0, 0.6], 0.25)).toBe(1); // 0.5 is past 0.4
    expect(drawFromProbabilities([0.4, 1.0, 0.6], 0.99999)).toBe(2);
    expect(drawFromProbabilities([0, 1, 0], 0.3, 1)).toBe(0); // all mass excluded: arg-max of the rest
    expect(drawFromProbabilities([0.1, 0.7, 0.2], 0.5, -1, true)).toBe(1);
  });
});
