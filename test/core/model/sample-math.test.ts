import { describe, expect, it } from "vitest";
import {
  BREAK_ID,
  drawToken,
  DrawScratch,
  NO_RULES,
  sampleTokens,
  samplingVocabulary,
  seededRandom,
  type NextWordDraw,
  type NextWordScorer,
  type SamplingRules,
} from "../../../core/model/index.ts";
import { referenceDraw } from "../../helpers/draw-reference.ts";

const plain: Omit<NextWordDraw, "temperature" | "uniform"> = { topK: 0, topP: 1, banned: [], breakInto: -1 };

describe("drawToken", () => {
  const rand = seededRandom("draw");
  const scores = Array.from({ length: 300 }, () => rand() * 8 - 4);

  it("draws as the naive sort-softmax-truncate reference, for every mix of temperature, top-k, top-p, bans and breakInto", () => {
    const scratch = new DrawScratch();
    let checked = 0;
    for (const temperature of [0, 0.3, 1, 1.7]) {
      for (const topK of [0, 1, 7, 40]) {
        for (const topP of [1, 0.9, 0.5]) {
          for (const [banned, breakInto] of [
            [[], -1],
            [[5, 17, 299], -1],
            [[3], 9],
            [[9], 9],
          ] as [number[], number][]) {
            for (let k = 0; k < 10; k++) {
              const draw = { temperature, uniform: rand(), topK, topP, banned, breakInto };
              const ref = referenceDraw(scores, draw);
              const got = drawToken(scores, draw, scratch);
              expect(banned).not.toContain(got);
              if (breakInto >= 0) expect(got).not.toBe(BREAK_ID);
              if (ref.margin > 1e-9) {
                expect(got, JSON.stringify(draw)).toBe(ref.index);
                checked++;
              }
            }
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(4 * 4 * 3 * 4 * 10 * 0.95);
  });

  it("top-k and top-p keep only the most likely words; with neither, words come at their softmax odds", () => {
    const few = [Math.log(0.5), Math.log(0.3), Math.log(0.15), Math.log(0.05)];
    const drawn = (d: Partial<NextWordDraw>) => {
      const counts = [0, 0, 0, 0];
      for (let k = 0; k < 4000; k++)
        counts[drawToken(few, { ...plain, temperature: 1, uniform: (k + 0.5) / 4000, ...d })]++;
      return counts.map((c) => c / 4000);
    };
    expect(drawn({})).toEqual([0.5, 0.3, 0.15, 0.05].map((p) => expect.closeTo(p, 2)));
    expect(drawn({ topK: 2 })).toEqual([0.625, 0.375, 0, 0].map((p) => expect.closeTo(p, 2)));
    // Nucleus 0.75: 0.5 + 0.3 reach it, the last two are cut.
    expect(drawn({ topP: 0.75 })).toEqual([0.625, 0.375, 0, 0].map((p) => expect.closeTo(p, 2)));
    expect(drawn({ topP: 0.9 })).toEqual([0.5 / 0.95, 0.3 / 0.95, 0.15 / 0.95, 0].map((p) => expect.closeTo(p, 2)));
  });

  it("is the arg-max below the near-zero cut-off, first id on ties, and lifts bans no id survives", () => {
    expect(drawToken([0, 2, 2, 1], { ...plain, temperature: 0, uniform: 0.99 })).toBe(1);
    expect(drawToken([0, 2, 2, 1], { ...plain, temperature: 1e-7, uniform: 0.99 })).toBe(1);
    expect(drawToken([0, 2, 2, 1], { ...plain, temperature: 0, uniform: 0.5, banned: [1] })).toBe(2);
    expect(drawToken([0, 2, 2, 1], { ...plain, temperature: 0, uniform: 0.5, banned: [0, 1, 2, 3] })).toBe(1);
  });

  it("moves the break marker's mass to the closing id (the sampler closes the sentence)", () => {
    // P(break) = 0.6, P(".") = 0.1 at id 2: with breakInto 2, "." gets 0.7 and break nothing.
    const probs = [0.6, 0.3, 0.1];
    const counts = [0, 0, 0];
    for (let k = 0; k < 1000; k++)
      counts[drawToken(probs.map(Math.log), { ...plain, temperature: 1, uniform: (k + 0.5) / 1000, breakInto: 2 })]++;
    expect(counts).toEqual([0, 300, 700]);
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
    expect(seen.slice(0, 3)).toEqual([
      [0, 0, 0],
      [0, 0, 1],
      [0, 1, 2],
    ]);
  });

  it("continues a prefix and caps the length", async () => {
    const seen: number[][] = [];
    expect(
      await sampleTokens(counting(seen), { temperature: 0, maxWords: 50, prefix: [3], random: Math.random }),
    ).toEqual([3, 4, 5]);
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

describe("the sampler's rules", () => {
  // A vocabulary with punctuation and a scorer with the bad habits the rules forbid.
  const words = ["<break>", "the", "great", ",", ".", "!", "king", "ha"];
  const [THE, GREAT, COMMA, STOP, BANG, KING, HA] = [1, 2, 3, 4, 5, 6, 7];
  // The corpus has "ha ha" but never "the the".
  const vocabulary = samplingVocabulary(words, [
    [THE, GREAT, KING, COMMA, HA, HA, STOP],
    [GREAT, KING, BANG],
  ]);
  const ALL: SamplingRules = { topK: 0, topP: 1, noImmediateRepeat: true, punctuationRules: true, endOnTerminal: true };

  /** Greedy next id by a table keyed on the last id (-1: empty window); the runner-up scores -1. */
  const habit = (table: Record<number, number[]>): NextWordScorer => ({
    vocabSize: words.length,
    phraseLength: 2,
    async scores(windows) {
      const last = windows[1] === BREAK_ID && windows[0] === BREAK_ID ? -1 : windows[1];
      const out = new Float32Array(words.length).fill(-10);
      (table[last] ?? []).forEach((id, rank) => {
        out[id] = -rank;
      });
      return out;
    },
  });
  const run = (scorer: NextWordScorer, rules: SamplingRules, maxWords = 8, prefix?: number[]) =>
    sampleTokens(scorer, { temperature: 0, maxWords, random: Math.random, rules, vocabulary, prefix });

  it("knows the punctuation, the terminal marks and the corpus' own repeated pairs", () => {
    expect([...vocabulary.punctuation].sort()).toEqual([COMMA, STOP, BANG]);
    expect([...vocabulary.terminal].sort()).toEqual([STOP, BANG]);
    expect(vocabulary.fullStop).toBe(STOP);
    expect([...vocabulary.selfBigrams]).toEqual([HA]);
  });

  it("no word twice in a row, unless the corpus has that pair", async () => {
    const repeats = habit({ [-1]: [THE], [THE]: [THE, KING], [KING]: [HA], [HA]: [HA, STOP], [STOP]: [BREAK_ID] });
    expect(await run(repeats, { ...ALL, noImmediateRepeat: false }, 5)).toEqual([THE, THE, THE, THE, STOP]);
    expect(await run(repeats, ALL, 6)).toEqual([THE, KING, HA, HA, HA, STOP]);
  });

  it("no punctuation at the start or right after punctuation", async () => {
    const punchy = habit({
      [-1]: [COMMA, GREAT],
      [COMMA]: [STOP, KING],
      [GREAT]: [COMMA],
      [KING]: [STOP],
      [STOP]: [BREAK_ID],
    });
    expect(await run(punchy, { ...ALL, punctuationRules: false })).toEqual([COMMA, STOP]);
    expect(await run(punchy, ALL)).toEqual([GREAT, COMMA, KING, STOP]);
  });

  it("ends only after terminal punctuation: the break marker's mass goes to a full stop", async () => {
    const abrupt = habit({ [-1]: [THE], [THE]: [KING], [KING]: [BREAK_ID, GREAT], [STOP]: [BREAK_ID] });
    expect(await run(abrupt, { ...ALL, endOnTerminal: false })).toEqual([THE, KING]);
    expect(await run(abrupt, ALL)).toEqual([THE, KING, STOP]);
  });

  it("cannot end right after a comma either: the full stop is banned there, so the break marker's mass is dropped", async () => {
    const commaEnd = habit({
      [-1]: [THE],
      [THE]: [COMMA],
      [COMMA]: [BREAK_ID, KING],
      [KING]: [STOP],
      [STOP]: [BREAK_ID],
    });
    expect(await run(commaEnd, { ...ALL, endOnTerminal: false })).toEqual([THE, COMMA]);
    expect(await run(commaEnd, ALL)).toEqual([THE, COMMA, KING, STOP]);
  });

  it("the length cap is the last resort: a capped quatrain gets a full stop, replacing a trailing comma", async () => {
    const endless = habit({ [-1]: [THE], [THE]: [KING], [KING]: [GREAT], [GREAT]: [THE] });
    expect(await run(endless, { ...ALL, endOnTerminal: false }, 5)).toEqual([THE, KING, GREAT, THE, KING]);
    expect(await run(endless, ALL, 5)).toEqual([THE, KING, GREAT, THE, STOP]);
    const commas = habit({ [-1]: [THE], [THE]: [COMMA], [COMMA]: [KING], [KING]: [THE] });
    expect(await run(commas, ALL, 5)).toEqual([THE, COMMA, KING, THE, STOP]);
    expect(await run(commas, ALL, 3)).toEqual([THE, STOP]);
  });

  it("without a vocabulary (or NO_RULES) nothing is constrained", async () => {
    const repeats = habit({ [-1]: [THE], [THE]: [THE] });
    expect(await sampleTokens(repeats, { temperature: 0, maxWords: 3, random: Math.random, rules: ALL })).toEqual([
      THE,
      THE,
      THE,
    ]);
    expect(await run(repeats, NO_RULES, 3)).toEqual([THE, THE, THE]);
  });
});
