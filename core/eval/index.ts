// Evaluation of a trained version: the Kneser-Ney trigram baseline, copy statistics, quality figures and their limits.
export { fitKneserNey, perplexity, perplexityWithUnknown, trigramsOfExamples } from "./kneser-ney.ts";
export { summariseCopiedRuns } from "./copy-stats.ts";
export { qualityFigures, corpusProfile, type QualityFigures } from "./quality.ts";
export { isFunctionWord } from "./function-words.ts";
export {
  QUALITY_LIMITS,
  brokenLimitCount,
  boundOf,
  qualityRegressions,
  qualityRows,
  qualityViolations,
  limitBreaks,
  type LimitBreak,
  shareNoise,
  type StoredQualityFigures,
} from "./quality-limits.ts";
export type { HeldOutPerplexities, VersionEvaluation } from "./version-evaluation.ts";
