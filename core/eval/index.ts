// Evaluation of a trained version: the Kneser-Ney trigram baseline, copy statistics, quality figures and their limits.
export {
  fitKneserNey,
  perplexity,
  perplexityWithUnknown,
  trigramsOfExamples,
  trigramsOfSequence,
  type KneserNeyTrigram,
  type Trigram,
} from "./kneser-ney.ts";
export { copyStatistics, summariseCopiedRuns, type CopyStatistics, type CopyStatisticsOptions } from "./copy-stats.ts";
export { qualityFigures, corpusProfile, type QualityFigures, type QualityOptions } from "./quality.ts";
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
