import type { CopyStatistics } from "./copy-stats.ts";
import type { QualityFigures } from "./quality.ts";

/** The GRU and the Kneser-Ney trigram on the same held-out tokens. */
export interface HeldOutPerplexities {
  /** exp(validation crossentropy) of the GRU. */
  perplexity: number;
  /** Interpolated Kneser-Ney trigram perplexity on the same split: the Markov-chain baseline. */
  kneserNeyPerplexity: number;
  /** On the held-out test quatrains, words the training part lacks pooled into one class for both models. */
  testPerplexity: number;
  testKneserNeyPerplexity: number;
  /** Predicted tokens of the test part (break markers included) and how many of them the training part never had. */
  testTokens: number;
  testUnknownTokens: number;
}

/** A trained version's evaluation: computed by core/training, stored as ModelVersion.evaluation, shown by `oracle models`, reported by `oracle train --json`. */
export interface VersionEvaluation extends HeldOutPerplexities {
  /** Longest copied run over quatrains sampled at T = 1.0. */
  copy: CopyStatistics;
  /** Mean tokens of those quatrains, beside the corpus' own mean: does the model end them where Nostradamus did? */
  meanTokens: number;
  corpusMeanTokens: number;
  /** Quality figures of quatrains sampled (with the sampler's rules, no redraws) at each evaluation temperature. */
  quality: QualityFigures[];
  /** The same figures on the corpus' own quatrains. */
  corpusQuality: QualityFigures;
  /** The epoch whose weights were kept (the best by validation loss); absent before evaluation is stored. */
  keptEpoch?: number;
}
