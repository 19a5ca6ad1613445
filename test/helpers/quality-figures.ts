import type { QualityFigures } from "../../core/eval/index.ts";

/**
 * Hand-written figure sets for the gate and the displays: quatrains as a model like the corpus
 * would sample them (the corpus' own figures too, without a temperature), and the loops of issue 22.
 */
export function goodFigures(overrides: Partial<QualityFigures>): QualityFigures {
  return {
    quatrains: 200,
    immediateRepeat: 0,
    noTerminalEnd: 0.012,
    badPunctuation: 0.003,
    copiedMax: 6,
    copiedMean: 4,
    copiedWithinLimit: 1,
    distinctBigramsPerQuatrain: 20,
    meanTokens: 35.7,
    wordTokens: 6000,
    topWords: [{ word: "great", rate: 0.0146, corpusRate: 0.0146, multiple: 1 }],
    overuse: { word: "great", rate: 0.0146, corpusRate: 0.0146, multiple: 1 },
    topPhrase: { phrase: "the great", share: 0.218, corpusShare: 0.218 },
    repeatedTrigram: 0.035,
    contentWordThrice: 0.019,
    wordCountMean: 31.9,
    wordCountSd: 3.6,
    wordCountMin: 22,
    wordCountMax: 45,
    inWordRange: 1,
    capped: 0,
    distinctBigrams: 0.79,
    distinctBigramsAt: 5000,
    ...(overrides.temperature === undefined
      ? {}
      : { overuse: { word: "one", rate: 0.011, corpusRate: 0.0092, multiple: 1.2 }, inWordRange: 0.95 }),
    ...overrides,
  };
}

/** The default model's T=1.0 quatrains as issue 22 measured them. */
export function loopingFigures(overrides: Partial<QualityFigures>): QualityFigures {
  return goodFigures({
    topWords: [{ word: "army", rate: 0.02, corpusRate: 0.0033, multiple: 6 }],
    overuse: { word: "army", rate: 0.02, corpusRate: 0.0033, multiple: 6 },
    topPhrase: { phrase: "great one", share: 0.47, corpusShare: 0.049 },
    repeatedTrigram: 0.23,
    contentWordThrice: 0.36,
    wordCountMean: 41,
    wordCountSd: 17.8,
    wordCountMin: 8,
    wordCountMax: 60,
    inWordRange: 0.36,
    capped: 0.21,
    distinctBigrams: 0.32,
    noTerminalEnd: 0,
    badPunctuation: 0,
    ...overrides,
  });
}
