// Evaluation of a trained version: the Kneser-Ney trigram baseline and copy statistics.
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
export {
  qualityFigures,
  qualityViolations,
  DEFAULT_QUALITY_LIMITS,
  type QualityFigures,
  type QualityLimits,
  type QualityOptions,
} from "./quality.ts";
export type { HeldOutPerplexities, VersionEvaluation } from "./version-evaluation.ts";
