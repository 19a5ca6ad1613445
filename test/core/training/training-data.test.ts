import { describe, expect, it } from "vitest";
import { readCorpus, tokenize } from "../../../core/corpus/index.ts";
import { prepareCorpus } from "../../../core/training/prepare-corpus.ts";
import { splitDocuments, trainingData } from "../../../core/training/training-data.ts";
import { testCorpusPath } from "../../helpers/paths.ts";

const corpus = await readCorpus(testCorpusPath);
const keys = corpus.documents.map((d) => tokenize(d).join(" "));
const opts = { validationFraction: 0.05, seed: 42, testFraction: 0.05, testSeed: 2017 };

describe("splitDocuments", () => {
  it("holds out about 5% of whole quatrains as test and 5% of the rest as validation, every quatrain in one part", () => {
    const split = splitDocuments(keys, opts);
    const all = [...split.train, ...split.validation, ...split.test].sort((a, b) => a - b);
    expect(all).toEqual(keys.map((_, i) => i));
    expect(split.test.length / keys.length).toBeGreaterThan(0.03);
    expect(split.test.length / keys.length).toBeLessThan(0.07);
    expect(split.validation.length / keys.length).toBeGreaterThan(0.03);
    expect(split.validation.length / keys.length).toBeLessThan(0.07);
  });

  it("keeps the same test quatrains whatever the training seed, and moves validation with it", () => {
    const a = splitDocuments(keys, opts);
    const b = splitDocuments(keys, { ...opts, seed: 7 });
    expect(b.test).toEqual(a.test);
    expect(b.validation).not.toEqual(a.validation);
    expect(splitDocuments(keys, opts)).toEqual(a);
    expect(splitDocuments(keys, { ...opts, testSeed: 1 }).test).not.toEqual(a.test);
  });

  it("keeps a quatrain's part when other quatrains are added or removed (warm starts never train on test)", () => {
    const whole = splitDocuments(keys, opts);
    const firstHalf = splitDocuments(keys.slice(0, 400), opts);
    expect(firstHalf.test).toEqual(whole.test.filter((i) => i < 400));
  });

  it("gives each held-out part a quatrain even on a tiny corpus", () => {
    const tiny = splitDocuments(keys.slice(0, 5), opts);
    expect(tiny.test).toHaveLength(1);
    expect(tiny.validation).toHaveLength(1);
    expect(tiny.train).toHaveLength(3);
    expect(splitDocuments(keys.slice(0, 5), { ...opts, testFraction: 0 }).test).toEqual([]);
  });
});

describe("trainingData", () => {
  it("cuts windows after the split: no test or validation quatrain's words stand in a training window", () => {
    const prepared = prepareCorpus({ ...corpus, documents: corpus.documents.slice(0, 200) });
    const { words, counts } = prepared.vocabulary;
    const data = trainingData(prepared.docsAsIds, words, counts, { ...opts, phraseLength: 4, classWeightPower: 0.5 });
    const windowsOf = (docs: number[]) => docs.reduce((n, d) => n + prepared.docsAsIds[d].length + 1, 0);
    expect(data.train.count).toBe(windowsOf(data.split.train));
    expect(data.validation.count).toBe(windowsOf(data.split.validation));
    expect(data.test.count).toBe(windowsOf(data.split.test));
    // Each test quatrain's 5-grams (window + target) never occur among the training examples.
    const gram = (e: typeof data.train, i: number) =>
      `${e.inputs.subarray(i * 4, i * 4 + 4).join(",")}>${e.targets[i]}`;
    const trainGrams = new Set(Array.from({ length: data.train.count }, (_, i) => gram(data.train, i)));
    const testOnly = Array.from({ length: data.test.count }, (_, i) => gram(data.test, i)).filter(
      (g) => !trainGrams.has(g),
    );
    expect(testOnly.length).toBeGreaterThan(data.test.count * 0.8);
  });
});
