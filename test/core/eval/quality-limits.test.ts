import { describe, expect, it } from "vitest";
import {
  boundOf,
  QUALITY_LIMITS,
  qualityRegressions,
  qualityRows,
  qualityViolations,
  shareNoise,
  type QualityFigures,
} from "../../../core/eval/index.ts";
import { goodFigures, loopingFigures } from "../../helpers/quality-figures.ts";

const limit = (start: string) => QUALITY_LIMITS.find((l) => l.figure.startsWith(start))!;
const corpus = goodFigures({});

describe("quality limits", () => {
  it("take the stated bound at T=1.0 and T=0.7, none for the loop figures at T=1.3, the kept ones everywhere", () => {
    expect(boundOf(limit("use of a top-10"), 1, 1, 200)).toBe(2);
    expect(boundOf(limit("use of a top-10"), 0.7, 1, 200)).toBe(3);
    expect(boundOf(limit("use of a top-10"), 1.3, 1, 200)).toBeNull();
    expect(boundOf(limit("a 3-word"), 0.7, 0.01, 200)).toBe(0.1);
    expect(boundOf(limit("ending with"), 1.3, 0.99, 200)).toBe(0.98);
  });

  it("follow the corpus where it is looser: its share plus two standard errors, or its distinct bigrams less the margin", () => {
    // "the great" is in 21.8% of a corpus: 2 sqrt(.218 × .782 / 200) = 2 × 0.0291956 = 0.0583912.
    expect(shareNoise(0.218, 200)).toBeCloseTo(0.0583912, 6);
    expect(boundOf(limit("quatrains containing"), 1, 0.218, 200)).toBeCloseTo(0.2763912, 6);
    expect(boundOf(limit("quatrains containing"), 1, 0.049, 200)).toBe(0.1);
    // No immediate repeat in the corpus: none allowed.
    expect(boundOf(limit("quatrains repeating"), 1, 0, 200)).toBe(0);
    expect(boundOf(limit("distinct bigrams"), 1, 0.6, 200)).toBeCloseTo(0.55, 12);
    expect(boundOf(limit("distinct bigrams"), 1, 0.79, 200)).toBe(0.65);
  });

  it("pass good quatrains and name every broken limit of looping ones, with the corpus' value", () => {
    expect(qualityViolations([goodFigures({ temperature: 1 }), goodFigures({ temperature: 0.7 })], corpus)).toEqual([]);
    expect(qualityViolations([loopingFigures({ temperature: 1 })], corpus)).toEqual([
      'use of a top-10 content word, as a multiple of its corpus rate (worst) at T=1: 6.0× "army" (limit ≤ 2.0×; corpus 1.0×)',
      'quatrains containing the most used phrase at T=1: 47.0% "great one" (limit ≤ 10.0%; corpus 4.9%)',
      // .035 + 2 sqrt(.035 × .965 / 200) = .035 + .02599: the corpus is near the stated 5%.
      "a 3-word sequence repeated inside the quatrain at T=1: 23.0% (limit ≤ 6.1%; corpus 3.5%)",
      "a content word used 3 or more times at T=1: 36.0% (limit ≤ 5.0%; corpus 1.9%)",
      "inside the corpus' word-count range at T=1: 36.0% (limit ≥ 90.0%; corpus 100.0%)",
      "cut off at the token cap at T=1: 21.0% (limit ≤ 2.0%; corpus 0.0%)",
      "distinct bigrams at 5,000 at T=1: 0.32 (limit ≥ 0.65; corpus 0.79)",
    ]);
    // At T=1.3 only the kept limits apply.
    expect(qualityViolations([loopingFigures({ temperature: 1.3 })], corpus)).toEqual([]);
    expect(
      qualityViolations([loopingFigures({ temperature: 1.3, immediateRepeat: 0.47, noTerminalEnd: 0.2 })], corpus),
    ).toEqual([
      "quatrains repeating a word at once at T=1.3: 47.0% (limit ≤ 0.0%; corpus 0.0%)",
      "ending with . ! or ? at T=1.3: 80.0% (limit ≥ 98.0%; corpus 98.8%)",
    ]);
  });

  it("read old stored figures without the loop fields as not measured", () => {
    const old = { temperature: 1, quatrains: 100, immediateRepeat: 0, noTerminalEnd: 0, badPunctuation: 0 };
    expect(qualityViolations([old], { quatrains: 900, immediateRepeat: 0 })).toEqual([]);
    expect(qualityRegressions([loopingFigures({ temperature: 1 })], [old], 3)).toEqual([]);
  });

  it("call a candidate clearly worse than the current version by more than a limit's margin, at T=1.0 and 0.7", () => {
    const current = [goodFigures({ temperature: 1 }), goodFigures({ temperature: 1.3 })];
    // Within the limits, but distinct bigrams .79 → .70 (worse by .09 > .05) and a word 1.2× → 1.8× (by .6 > .5).
    const candidate = [
      goodFigures({
        temperature: 1,
        distinctBigrams: 0.7,
        overuse: { word: "one", rate: 0.02, corpusRate: 0.011, multiple: 1.8 },
      }),
      // T=1.3 has no loop limits: not compared.
      loopingFigures({ temperature: 1.3 }),
    ];
    expect(qualityRegressions(candidate, current, 4)).toEqual([
      'use of a top-10 content word, as a multiple of its corpus rate (worst) at T=1: 1.8× "one" (v4 had 1.2×: worse by more than 0.5×)',
      "distinct bigrams at 5,000 at T=1: 0.70 (v4 had 0.79: worse by more than 0.05)",
    ]);
    // Slightly worse is noise, not a regression.
    expect(qualityRegressions([goodFigures({ temperature: 1, repeatedTrigram: 0.045 })], current, 4)).toEqual([]);
  });

  it("show each figure per temperature beside the corpus' value, '—' where a stored evaluation lacks it", () => {
    const rows = qualityRows([loopingFigures({ temperature: 1 }), { temperature: 0.7, quatrains: 100 }], corpus);
    const row = (start: string) => rows.find((r) => r.figure.startsWith(start))!;
    expect(row("use of a top-10")).toEqual({
      figure: "use of a top-10 content word, as a multiple of its corpus rate (worst)",
      values: ['6.0× "army"', "—"],
      corpus: '1.0× "great"',
      limit: "at most 2.0× at T=1, 3.0× at T=0.7",
    });
    expect(row("quatrains containing").values[0]).toBe('47.0% "great one" (corpus 4.9%)');
    expect(row("quatrains containing").corpus).toBe('21.8% "the great"');
    expect(row("words per quatrain")).toEqual({
      figure: "words per quatrain, mean ± sd (corpus' range 22–45)",
      values: ["41.0 ± 17.8", "—"],
      corpus: "31.9 ± 3.6",
      limit: "",
    });
    expect(row("quatrains repeating").limit).toBe("at most 0.0%");
    expect(row("inside").limit).toBe("at least 90.0% at T=1 and T=0.7");
    expect(qualityRows([], null).every((r) => r.corpus === "—")).toBe(true);
  });

  it("say when distinct bigrams were counted over fewer than 5,000", () => {
    const few: Partial<QualityFigures> = { ...goodFigures({ temperature: 1 }), distinctBigramsAt: 3800 };
    expect(qualityRows([few], corpus).find((r) => r.figure.startsWith("distinct"))!.figure).toBe(
      "distinct bigrams at 5,000 (fewer where the quatrains have fewer: 3800)",
    );
  });
});
