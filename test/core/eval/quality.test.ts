import { describe, expect, it } from "vitest";
import { readCorpus } from "../../../core/corpus/index.ts";
import { corpusProfile, isFunctionWord, qualityFigures } from "../../../core/eval/index.ts";
import { samplingVocabulary } from "../../../core/model/index.ts";
import { prepareCorpus } from "../../../core/training/prepare-corpus.ts";
import { testCorpusPath } from "../../helpers/paths.ts";

// ids: 1 "the", 2 "king", 3 ",", 4 ".", 5 "!"
const punctuation = new Set([3, 4, 5]);
const terminal = new Set([4, 5]);
const words = ["<break>", "the", "king", ",", ".", "!"];

describe("qualityFigures: the kept figures", () => {
  it("counts repeated words, missing endings, bad punctuation, copied runs and distinct bigrams per quatrain", () => {
    const quatrains = [
      [1, 1, 2, 4], // "the the king ." : repeat
      [3, 2, 3, 3], // ", king , ," : leading and doubled punctuation, no terminal end
      [1, 2, 5], // fine
      [2, 1, 2, 4], // fine
    ];
    const runs = [2, 7, 3, 1];
    const f = qualityFigures(quatrains, {
      words,
      punctuation,
      terminal,
      maxCopiedWords: 6,
      temperature: 1,
      longestCopiedRun: (q) => runs[quatrains.indexOf(q as number[])],
    });
    expect(f).toMatchObject({
      temperature: 1,
      quatrains: 4,
      immediateRepeat: 0.25,
      noTerminalEnd: 0.25,
      badPunctuation: 0.25,
      copiedMax: 7,
      copiedMean: 13 / 4,
      copiedWithinLimit: 0.75,
      meanTokens: 15 / 4,
    });
    // Bigrams: 1-1 1-2 2-4 3-2 2-3 3-3 2-5 2-1 → 8 distinct.
    expect(f.distinctBigramsPerQuatrain).toBe(2);
  });
});

describe("qualityFigures: the loop figures, by hand", () => {
  // Vocabulary: function words "the", "of"; content words "great", "one", "king", "army".
  const vocab = ["<break>", "the", "great", "one", "king", ",", ".", "of", "army"];
  const [THE, GREAT, ONE, KING, COMMA, STOP, OF, ARMY] = [1, 2, 3, 4, 5, 6, 7, 8];
  const classes = { words: vocab, punctuation: new Set([COMMA, STOP]) };
  const base = { ...classes, terminal: new Set([STOP]), maxCopiedWords: 6 };

  // The tiny corpus: 13 words (the 4, great 2, king 2, army 2, one 2, of 1); 6, 4 and 3 words per quatrain.
  const corpus = [
    [THE, GREAT, KING, OF, THE, ARMY, STOP], // the great king of the army .
    [ONE, KING, COMMA, THE, ARMY, STOP], // one king , the army .
    [THE, GREAT, ONE, STOP], // the great one .
  ];
  // Sampled: 22 words (the 5, great 5, one 5, army 3, king 2, of 2); 6, 6, 7 and 3 words; 8, 7, 8 and 5 tokens.
  const samples = [
    [THE, GREAT, ONE, COMMA, THE, GREAT, ONE, STOP], // the great one , the great one .
    [GREAT, ONE, GREAT, ONE, GREAT, ONE, STOP], // great one great one great one .
    [THE, KING, OF, THE, ARMY, OF, THE, STOP], // the king of the army of the .  ("the" 3 times: a function word)
    [ARMY, COMMA, ARMY, KING, STOP], // army , army king .
  ];

  it("tells function words from content words ('one' and 'great' are content words)", () => {
    expect(["the", "of", "and", "thy", "shall"].map(isFunctionWord)).toEqual([true, true, true, true, true]);
    expect(["one", "great", "king", "army"].map(isFunctionWord)).toEqual([false, false, false, false]);
  });

  it("profiles the corpus: word counts, phrases by quatrain, the word-count range", () => {
    const p = corpusProfile(corpus, classes);
    expect(p).toMatchObject({ quatrains: 3, wordTokens: 13, wordCountMin: 3, wordCountMax: 6 });
    expect(Object.fromEntries(p.wordCounts)).toEqual({ [THE]: 4, [GREAT]: 2, [KING]: 2, [OF]: 1, [ARMY]: 2, [ONE]: 2 });
    // Adjacent words, one at least a content word; "of the" (two function words) and anything across "," are none.
    expect(Object.fromEntries(p.phraseQuatrains)).toEqual({
      [`${THE},${GREAT}`]: 2,
      [`${GREAT},${KING}`]: 1,
      [`${KING},${OF}`]: 1,
      [`${THE},${ARMY}`]: 2,
      [`${ONE},${KING}`]: 1,
      [`${GREAT},${ONE}`]: 1,
    });
  });

  it("measures sampled quatrains against the corpus", () => {
    const f = qualityFigures(samples, {
      ...base,
      temperature: 1,
      corpus: corpusProfile(corpus, classes),
      tokenCap: 8,
    });
    expect(f.wordTokens).toBe(22);
    // Content words by use: great 5, one 5 (tie: alphabetical), army 3, king 2; each rate / corpus rate.
    expect(f.topWords.map((w) => w.word)).toEqual(["great", "one", "army", "king"]);
    expect(f.topWords[0].rate).toBeCloseTo(5 / 22, 12);
    expect(f.topWords[0].corpusRate).toBeCloseTo(2 / 13, 12);
    // (5/22) / (2/13) = 65/44; army (3/22)/(2/13) = 39/44; king (2/22)/(2/13) = 26/44.
    [65 / 44, 65 / 44, 39 / 44, 26 / 44].forEach((x, i) => expect(f.topWords[i].multiple).toBeCloseTo(x, 12));
    expect(f.overuse?.word).toBe("great");
    expect(f.overuse?.multiple).toBeCloseTo(65 / 44, 12);
    // "great one" is in quatrains 1 and 2 (2 of 4); in the corpus in 1 of 3.
    expect(f.topPhrase).toEqual({ phrase: "great one", share: 0.5, corpusShare: 1 / 3 });
    // "the great one" twice in the first, "great one great" twice (overlapping) in the second.
    expect(f.repeatedTrigram).toBe(0.5);
    // Only the second uses a content word 3 times; the third's "the" ×3 is a function word.
    expect(f.contentWordThrice).toBe(0.25);
    // Words 6, 6, 7, 3: mean 5.5, deviations .5 .5 1.5 -2.5, variance 9/4, sd 1.5; 7 lies outside the corpus' 3..6.
    expect(f).toMatchObject({
      wordCountMean: 5.5,
      wordCountSd: 1.5,
      wordCountMin: 3,
      wordCountMax: 7,
      inWordRange: 0.75,
    });
    // Tokens 8, 7, 8, 5: two reach the cap of 8.
    expect(f.capped).toBe(0.5);
    // Word bigrams, punctuation skipped: 5 + 5 + 6 + 2 = 18, of which 11 distinct
    // (the-great great-one one-the one-great the-king king-of of-the the-army army-of army-army army-king).
    expect(f.distinctBigramsAt).toBe(18);
    expect(f.distinctBigrams).toBeCloseTo(11 / 18, 12);
    expect(f.immediateRepeat).toBe(0); // "army , army" has a comma between
  });

  it("counts distinct bigrams over the first N only, and takes the caller's flags for the cap", () => {
    const f = qualityFigures(samples, { ...base, bigramWindow: 6, capped: [false, true, false, false] });
    // The first 6 bigrams: the first quatrain's 5 and "great one": the-great, great-one, one-the distinct.
    expect([f.distinctBigramsAt, f.distinctBigrams]).toEqual([6, 0.5]);
    expect(f.capped).toBe(0.25);
    expect(qualityFigures(samples, base).capped).toBeNull();
  });

  it("gives the corpus its own figures, computed the same way", () => {
    const f = qualityFigures(corpus, { ...base, tokenCap: 8 });
    // Every content word is used twice: alphabetical, each exactly its own rate.
    expect(f.topWords.map((w) => [w.word, w.multiple])).toEqual([
      ["army", 1],
      ["great", 1],
      ["king", 1],
      ["one", 1],
    ]);
    // "the great" and "the army" are both in 2 of 3: alphabetical.
    expect(f.topPhrase).toEqual({ phrase: "the army", share: 2 / 3, corpusShare: 2 / 3 });
    expect([f.repeatedTrigram, f.contentWordThrice, f.inWordRange, f.capped]).toEqual([0, 0, 1, 0]);
    // Words 6, 4, 3: mean 13/3, squared deviations (25 + 1 + 16)/9, variance 14/9.
    expect(f.wordCountMean).toBeCloseTo(13 / 3, 12);
    expect(f.wordCountSd).toBeCloseTo(Math.sqrt(14) / 3, 12);
    // Bigrams 5 + 3 + 2 = 10; distinct 8 ("the army" twice, "the great" twice).
    expect([f.distinctBigramsAt, f.distinctBigrams]).toEqual([10, 0.8]);
  });

  it("gives NaN shares and no word or phrase for no quatrains", () => {
    const f = qualityFigures([], { ...base, corpus: corpusProfile(corpus, classes) });
    expect(f.topWords).toEqual([]);
    expect([f.overuse, f.topPhrase]).toEqual([null, null]);
    expect([f.repeatedTrigram, f.inWordRange, f.distinctBigrams]).toEqual([NaN, NaN, NaN]);
  });
});

describe("qualityFigures on the real corpus", () => {
  it("keeps the corpus' habits: no word repeated at once, almost every quatrain ends a sentence, all in its own range", async () => {
    const prepared = prepareCorpus(await readCorpus(testCorpusPath));
    const v = samplingVocabulary(prepared.vocabulary.words, prepared.docsAsIds);
    const f = qualityFigures(prepared.docsAsIds, {
      words: prepared.vocabulary.words,
      punctuation: v.punctuation,
      terminal: v.terminal,
      maxCopiedWords: 6,
      tokenCap: 63,
    });
    expect(f.immediateRepeat).toBeLessThan(0.01);
    expect(f.noTerminalEnd).toBeLessThan(0.02);
    expect(f.badPunctuation).toBeLessThan(0.01);
    expect([f.copiedMax, f.copiedMean, f.copiedWithinLimit]).toEqual([null, null, null]);
    expect(f.meanTokens).toBeCloseTo(
      prepared.docsAsIds.reduce((n, d) => n + d.length, 0) / prepared.docsAsIds.length,
      9,
    );
    expect(f.overuse?.multiple).toBe(1);
    expect(f.inWordRange).toBe(1);
    const counts = prepared.docsAsIds.map((d) => d.filter((id) => !v.punctuation.has(id)).length);
    expect([f.wordCountMin, f.wordCountMax]).toEqual([Math.min(...counts), Math.max(...counts)]);
    expect(f.capped).toBe(prepared.docsAsIds.filter((d) => d.length >= 63).length / prepared.docsAsIds.length);
    expect(f.distinctBigramsAt).toBe(5000);
  });
});
