import type { CopyStatistics } from "./copy-stats.ts";

/** Stored as ModelVersion.evaluation and shown by `oracle models`. */
export interface VersionEvaluation {
  /** exp(validation crossentropy) of the GRU. */
  perplexity: number;
  /** Interpolated Kneser-Ney trigram perplexity on the same split: the Markov-chain baseline. */
  kneserNeyPerplexity: number;
  /** Longest copied run over quatrains sampled at T = 1.0. */
  copy: CopyStatistics;
  /** Mean tokens of those quatrains, beside the corpus' own mean: does the model end them where Nostradamus did? */
  meanTokens: number;
  corpusMeanTokens: number;
  /** The epoch whose weights were kept (added when the version is stored). */
  keptEpoch?: number;
}
