import type { CasingTable } from "../corpus/index.ts";
import type { CopyIndex } from "../model/originality.ts";
import type { Scorer, SamplingVocabulary } from "../model/sample.ts";

/** A model version ready to sample from: everything prophesy() needs, already in memory. */
export interface LoadedModel {
  version: number;
  /** Class id → token (index 0 is the break marker). */
  words: readonly string[];
  /** Token → class id. */
  index: ReadonlyMap<string, number>;
  casing: CasingTable;
  scorer: Scorer;
  /** The corpus this version was trained on, for measuring how much a sample copies. */
  copyIndex: CopyIndex;
  /** Punctuation ids and the corpus' own repeated-word pairs, for the sampler's rules. */
  sampling: SamplingVocabulary;
  /** Frees tensors or workers the scorer holds. */
  dispose(): void;
}

/** Source of the current model; implementations cache by version. */
export interface ModelSource {
  current(): Promise<LoadedModel>;
  close(): Promise<void>;
}
