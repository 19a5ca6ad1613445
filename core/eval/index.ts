// Evaluation of a trained version: the Kneser-Ney trigram baseline and copy statistics.
export { fitKneserNey, perplexity, trigramsOfExamples, trigramsOfSequence, type KneserNeyTrigram, type Trigram } from "./kneser-ney.ts";
export { copyStatistics, summariseCopiedRuns, type CopyStatistics, type CopyStatisticsOptions } from "./copy-stats.ts";
export type { VersionEvaluation } from "./version-evaluation.ts";
