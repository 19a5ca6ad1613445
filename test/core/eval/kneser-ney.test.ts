import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  fitKneserNey,
  perplexity,
  perplexityWithUnknown,
  trigramsOfExamples,
  trigramsOfSequence,
} from "../../../core/eval/kneser-ney.ts";
import { testCorpusPath } from "../../helpers/paths.ts";

// The corpus already separates punctuation by spaces; lower-casing is enough for a vocabulary here.
const documents = readFileSync(testCorpusPath, "utf8")
  .split("\n")
  .map((l) => l.trim().toLowerCase())
  .filter(Boolean)
  .map((l) => l.split(/\s+/));
const BREAK = 0;
const vocab = new Map<string, number>([["<break>", BREAK]]);
for (const doc of documents) for (const t of doc) if (!vocab.has(t)) vocab.set(t, vocab.size);
const ids = (docs: string[][]) => docs.flatMap((d) => [BREAK, ...d.map((t) => vocab.get(t)!)]).concat(BREAK);

const heldOutStart = Math.floor(documents.length * 0.9);
const train = ids(documents.slice(0, heldOutStart));
const heldOut = ids(documents.slice(heldOutStart));
const model = fitKneserNey(trigramsOfSequence(train, BREAK), vocab.size);

function shuffled(xs: number[], seed: number): number[] {
  const out = xs.slice();
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

const sumOver = (u: number, v: number) => {
  let sum = 0;
  for (let w = 0; w < vocab.size; w++) sum += model.probability(u, v, w);
  return sum;
};

describe("Kneser-Ney trigram", () => {
  it("gives a distribution that sums to 1 over the vocabulary for seen, half-seen and unseen contexts", () => {
    const [u, v] = [train[1], train[2]]; // a context that occurs in training
    const unseenWord = vocab.get(documents[documents.length - 1].at(-2)!)!;
    expect(sumOver(u, v)).toBeCloseTo(1, 10);
    expect(sumOver(unseenWord, v)).toBeCloseTo(1, 10);
    expect(sumOver(vocab.size - 1, vocab.size - 2)).toBeCloseTo(1, 10);
    for (let w = 0; w < vocab.size; w += 97) expect(model.probability(u, v, w)).toBeGreaterThan(0);
  });

  it("prefers what followed a context in training", () => {
    const [u, v, w] = [train[1], train[2], train[3]];
    const other = (w + 1) % vocab.size;
    expect(model.probability(u, v, w)).toBeGreaterThan(model.probability(u, v, other));
  });

  it("has lower perplexity on held-out real text than on the same tokens shuffled", () => {
    const real = perplexity(model, trigramsOfSequence(heldOut, BREAK));
    const scrambled = perplexity(model, trigramsOfSequence(shuffled(heldOut, 7), BREAK));
    expect(real).toBeGreaterThan(1);
    expect(real).toBeLessThan(vocab.size);
    expect(real * 1.5).toBeLessThan(scrambled);
  });

  it("uses discounts between 0 and 1 for each order", () => {
    for (const d of model.discounts) {
      expect(d).toBeGreaterThan(0);
      expect(d).toBeLessThan(1);
    }
  });

  it("reads trigrams from example windows like the GRU's split", () => {
    const contexts = [
      [5, 6, 7, 8],
      [6, 7, 8, 9],
    ];
    expect([...trigramsOfExamples(contexts, [9, 10])]).toEqual([
      [7, 8, 9],
      [8, 9, 10],
    ]);
    expect(() => [...trigramsOfExamples([[1]], [2])]).toThrow(RangeError);
  });

  it("rejects token ids outside the vocabulary", () => {
    expect(() => fitKneserNey([[0, 1, 5]], 5)).toThrow(RangeError);
    expect(() => model.probability(0, 0, vocab.size)).toThrow(RangeError);
    expect(() => perplexity(model, [])).toThrow(RangeError);
  });
});

describe("perplexityWithUnknown", () => {
  const seen = new Set(train);
  const unknown = new Set<number>();
  for (let w = 1; w < vocab.size; w++) if (!seen.has(w)) unknown.add(w);
  const heldOutTrigrams = [...trigramsOfSequence(heldOut, BREAK)];

  it("scores an unknown word with the summed probability of every unknown word, known ones as usual", () => {
    expect(unknown.size).toBeGreaterThan(10);
    const unknownEvents = heldOutTrigrams.filter(([, , w]) => unknown.has(w));
    expect(unknownEvents.length).toBeGreaterThan(0);
    const [u, v, w] = unknownEvents[0];
    let pooled = 0;
    for (const x of unknown) pooled += model.probability(u, v, x);
    expect(pooled).toBeGreaterThan(model.probability(u, v, w));
    expect(perplexityWithUnknown(model, [[u, v, w]], unknown)).toBeCloseTo(1 / pooled, 6);
    const known = heldOutTrigrams.find(([, , x]) => !unknown.has(x))!;
    expect(perplexityWithUnknown(model, [known], unknown)).toBeCloseTo(1 / model.probability(...known), 6);
  });

  it("is the plain perplexity with no unknown words, and lower than it with them pooled", () => {
    expect(perplexityWithUnknown(model, heldOutTrigrams, new Set())).toBeCloseTo(perplexity(model, heldOutTrigrams), 6);
    expect(perplexityWithUnknown(model, heldOutTrigrams, unknown)).toBeLessThan(perplexity(model, heldOutTrigrams));
  });
});
