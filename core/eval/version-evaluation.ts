import type { CopyStatistics } from "./copy-stats.ts";

/** A trained version's evaluation: computed by core/training, stored as ModelVersion.evaluation, shown by `oracle models`. */
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
  /** The epoch whose weights were kept (the best by validation loss); absent before evaluation is stored. */
  keptEpoch?: number;
}
