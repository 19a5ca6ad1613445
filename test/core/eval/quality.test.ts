import { describe, expect, it } from "vitest";
import { readCorpus } from "../../../core/corpus/index.ts";
import { qualityFigures, qualityViolations } from "../../../core/eval/index.ts";
import { samplingVocabulary } from "../../../core/model/index.ts";
import { prepareCorpus } from "../../../core/training/prepare-corpus.ts";
import { testCorpusPath } from "../../helpers/paths.ts";

// ids: 1 "the", 2 "king", 3 ",", 4 ".", 5 "!"
const punctuation = new Set([3, 4, 5]);
const terminal = new Set([4, 5]);

describe("qualityFigures", () => {
  it("counts repeated words, missing endings, bad punctuation, copied runs and distinct bigrams per quatrain", () => {
    const quatrains = [
      [1, 1, 2, 4], // "the the king ." : repeat
      [3, 2, 3, 3], // ", king , ," : leading and doubled punctuation, no terminal end
      [1, 2, 5], // fine
      [2, 1, 2, 4], // fine
    ];
    const runs = [2, 7, 3, 1];
    const f = qualityFigures(quatrains, {
      punctuation,
      terminal,
      maxCopiedWords: 6,
      temperature: 1,
      longestCopiedRun: (q) => runs[quatrains.indexOf(q as number[])]!,
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

  it("on the corpus itself: no word repeated at once, almost every quatrain ends a sentence", async () => {
    const prepared = prepareCorpus(await readCorpus(testCorpusPath));
    const v = samplingVocabulary(prepared.vocabulary.words, prepared.docsAsIds);
    const f = qualityFigures(prepared.docsAsIds, {
      punctuation: v.punctuation,
      terminal: v.terminal,
      maxCopiedWords: 6,
    });
    expect(f.immediateRepeat).toBeLessThan(0.01);
    expect(f.noTerminalEnd).toBeLessThan(0.02);
    expect(f.badPunctuation).toBeLessThan(0.01);
    expect([f.copiedMax, f.copiedMean, f.copiedWithinLimit]).toEqual([null, null, null]);
    expect(f.meanTokens).toBeCloseTo(
      prepared.docsAsIds.reduce((n, d) => n + d.length, 0) / prepared.docsAsIds.length,
      9,
    );
  });
});

describe("qualityViolations", () => {
  const corpus = qualityFigures([[1, 2, 4]], { punctuation, terminal, maxCopiedWords: 6 });
  const base = {
    quatrains: 100,
    immediateRepeat: 0,
    noTerminalEnd: 0,
    badPunctuation: 0,
    copiedMax: 5,
    copiedMean: 4,
    copiedWithinLimit: 1,
    distinctBigramsPerQuatrain: 20,
    meanTokens: 36,
  };

  it("names each broken limit with its temperature", () => {
    expect(qualityViolations([{ ...base, temperature: 1 }], corpus)).toEqual([]);
    const v = qualityViolations(
      [
        { ...base, temperature: 0.7, immediateRepeat: 0.47 },
        { ...base, temperature: 1.3, noTerminalEnd: 0.2, badPunctuation: 0.035, copiedWithinLimit: 0.9 },
      ],
      corpus,
    );
    expect(v).toEqual([
      "47.0% of quatrains repeat a word at once at T=0.7 (corpus 0.0%)",
      "3.5% have doubled or leading punctuation at T=1.3 (corpus 0.0%)",
      "only 80.0% end with . ! or ? at T=1.3 (at least 98.0%)",
      "only 90.0% stay within the copy limit at T=1.3 (at least 95.0%)",
    ]);
  });
});
