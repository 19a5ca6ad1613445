import { describe, expect, it } from "vitest";
import { drawToken, nextDraw, samplingVocabulary, type NextWordDraw } from "../../../core/model/index.ts";
import { drawFromProbabilities, drawsFromProbabilities, temperedInto } from "../../../core/model/sample.ts";

const plain: NextWordDraw = { temperature: 1, uniform: 0, topK: 0, topP: 1, banned: [], breakInto: -1 };
/** The share of 2,000 evenly spread draws each id gets. */
function shares(scores: number[], draw: Partial<NextWordDraw>): number[] {
  const counts = new Array<number>(scores.length).fill(0);
  for (let i = 0; i < 2000; i++) counts[drawToken(scores, { ...plain, ...draw, uniform: (i + 0.5) / 2000 })]++;
  return counts.map((c) => c / 2000);
}

describe("min-p", () => {
  it("drops the words less likely than min-p × the likeliest, and renormalises the rest (both draw paths)", () => {
    const p = [0.5, 0.3, 0.15, 0.05];
    const scores = p.map(Math.log);
    // 0.2 × 0.5 = 0.1: the 0.05 word goes, the others keep their ratios (0.5 : 0.3 : 0.15 of 0.95).
    for (const topK of [0, 3, 4]) {
      const got = shares(scores, { minP: 0.2, topK });
      expect(got[3]).toBe(0);
      expect(got[0]).toBeCloseTo(0.5 / 0.95, 2);
      expect(got[2]).toBeCloseTo(0.15 / 0.95, 2);
    }
  });
});

describe("the presence penalty", () => {
  const words = ["<break>", "the", "army", "great", ".", ","];
  // "the" 2 per quatrain, "army" 0.5, "great" 0.5.
  const docs = [
    [1, 1, 2, 3, 4],
    [1, 1, 5, 4],
  ];
  const vocabulary = samplingVocabulary(words, docs);
  const rules = {
    topK: 0,
    topP: 1,
    noImmediateRepeat: false,
    punctuationRules: false,
    endOnTerminal: false,
    presencePenalty: 2,
    repeatAllowance: 1.2,
  };

  it("penalises words the quatrain already used more than their allowance (the corpus rate × the allowance), never punctuation", () => {
    expect(Array.from(vocabulary.perQuatrain!)).toEqual([0, 2, 0.5, 0.5, 1, 0.5]);
    const draw = nextDraw([1, 2, 4, 5, 1], { temperature: 1, maxWords: 10, random: Math.random, rules, vocabulary }, 0);
    // "army" once (allowance floor(0.6) = 0); "the" twice (allowance floor(2.4) = 2); ". ," exempt.
    expect(draw.penalized).toEqual([2]);
    expect(draw.penalty).toBe(2);
    const thrice = nextDraw([1, 1, 1], { temperature: 1, maxWords: 10, random: Math.random, rules, vocabulary }, 0);
    expect(thrice.penalized).toEqual([1]);
    const off = nextDraw(
      [1, 2],
      { temperature: 1, maxWords: 10, random: Math.random, rules: { ...rules, presencePenalty: 0 }, vocabulary },
      0,
    );
    expect(off.penalized).toBeUndefined();
  });

  it("subtracts the penalty from the score before the temperature, without touching the caller's scores", () => {
    const scores = Float32Array.from([0, 0, 0, 0, 0, 0]);
    const got = shares(Array.from(scores), { penalty: Math.log(4), penalized: [2] });
    // e^-ln4 = 1/4 of the others' weight: 0.25 / 5.25.
    expect(got[2]).toBeCloseTo(0.25 / 5.25, 2);
    const at2 = shares(Array.from(scores), { penalty: Math.log(4), penalized: [2], temperature: 2 });
    expect(at2[2]).toBeCloseTo(0.5 / 5.5, 2);
    drawToken(scores, { ...plain, penalty: 3, penalized: [1] });
    expect(Array.from(scores)).toEqual([0, 0, 0, 0, 0, 0]);
  });
});

describe("drawFromProbabilities", () => {
  it("draws as drawToken does for untruncated draws, from the softmax of the tempered scores (bans, break into '.', penalty, min-p)", () => {
    let seed = 11;
    const rand = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    const V = 300;
    let compared = 0;
    for (let k = 0; k < 200; k++) {
      const scores = Float32Array.from({ length: V }, () => rand() * 12 - 6);
      const draw: NextWordDraw = {
        temperature: [0.5, 1, 1.7][k % 3],
        uniform: rand(),
        topK: 0,
        topP: 1,
        banned: k % 2 ? [3, 7, 0] : [5],
        breakInto: k % 4 === 0 ? 9 : -1,
        minP: k % 5 === 0 ? 0.05 : 0,
        penalty: k % 3 === 0 ? 2 : 0,
        penalized: [1, 2, 9],
      };
      expect(drawsFromProbabilities(draw, V)).toBe(true);
      const tempered = new Float32Array(V);
      temperedInto(tempered, scores, draw);
      const max = Math.max(...tempered);
      const e = Array.from(tempered, (x) => Math.exp(x - max));
      const sum = e.reduce((a, b) => a + b, 0);
      expect(
        drawFromProbabilities(
          e.map((x) => x / sum),
          draw,
        ),
      ).toBe(drawToken(scores, draw));
      compared++;
    }
    expect(compared).toBe(200);
    expect(drawsFromProbabilities({ ...plain, topK: 40 }, V)).toBe(false);
    expect(drawsFromProbabilities({ ...plain, topP: 0.9 }, V)).toBe(false);
    expect(drawsFromProbabilities({ ...plain, temperature: 0 }, V)).toBe(false);
  });
});

describe("typical sampling", () => {
  it("keeps the words whose surprisal is closest to the entropy until their mass reaches typicalP (hand-computed)", () => {
    // p = .5 .3 .15 .05: entropy 1.142 nats; |surprisal − entropy| = .449 .062 .755 1.854, so the
    // order is ids 1, 0, 2, 3 and typicalP .75 keeps {1, 0} (.3, then .8 ≥ .75).
    const scores = [0.5, 0.3, 0.15, 0.05].map(Math.log);
    const got = shares(scores, { typicalP: 0.75 });
    expect(got[1]).toBeCloseTo(0.3 / 0.8, 2);
    expect(got[0]).toBeCloseTo(0.5 / 0.8, 2);
    expect(got[2]).toBe(0);
    expect(got[3]).toBe(0);
    // typicalP .9 adds id 2; bans apply first (id 1 banned: p = .5 .15 .05 renormalised).
    expect(shares(scores, { typicalP: 0.9 })[2]).toBeGreaterThan(0);
    expect(shares(scores, { typicalP: 0.75, banned: [1] })[1]).toBe(0);
    expect(drawsFromProbabilities({ ...plain, typicalP: 0.9 }, 4)).toBe(false);
  });
});

describe("the frequency prior", () => {
  it("makes the draw p(w | context)^(1/T) · p(w)^(γ (1 − 1/T)): the temperature sharpens the model beyond the words' corpus frequency", () => {
    const words = ["<break>", "the", "army", "great", "."];
    const docs = [
      [1, 1, 1, 2, 4],
      [1, 3, 4],
    ];
    const vocabulary = samplingVocabulary(words, docs);
    // Add-one counts: break 2+1, the 4+1, army 1+1, great 1+1, . 2+1 → 15.
    expect(Array.from(vocabulary.logUnigram!, Math.exp).map((x) => +x.toFixed(4))).toEqual(
      [3, 5, 2, 2, 3].map((c) => +(c / 15).toFixed(4)),
    );
    const rules = { topK: 0, topP: 1, noImmediateRepeat: false, punctuationRules: false, endOnTerminal: false };
    const opts = { maxWords: 10, random: Math.random, vocabulary };
    const atOne = nextDraw([], { ...opts, temperature: 1, rules: { ...rules, frequencyPrior: 1.5 } }, 0);
    expect(atOne.prior).toBeUndefined();
    const T = 0.7;
    const draw = nextDraw([], { ...opts, temperature: T, rules: { ...rules, frequencyPrior: 1.5 } }, 0);
    expect(draw.prior?.scale).toBeCloseTo(1.5 * (T - 1), 12);
    const model = [0.1, 0.5, 0.1, 0.2, 0.1];
    const unigram = [3, 5, 2, 2, 3].map((c) => c / 15);
    const want = model.map((p, i) => p ** (1 / T) * unigram[i] ** (1.5 * (1 - 1 / T)));
    const sum = want.reduce((a, b) => a + b, 0);
    const got = shares(model.map(Math.log), { ...draw, temperature: T, uniform: 0 });
    want.forEach((w, i) => expect(got[i]).toBeCloseTo(w / sum, 2));
  });
});
