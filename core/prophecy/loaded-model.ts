import type { CasingTable } from "../corpus/index.ts";
import type { CopyIndex } from "../model/originality.ts";
import type { SamplingRules, SamplingVocabulary, Scorer } from "../model/sample.ts";
import type { TemperatureBounds } from "./temperature.ts";

/** config.sampling: temperature bounds, the sampler's rules, lengths and the copy limit. */
export interface ProphecySettings extends TemperatureBounds, SamplingRules {
  minWords: number;
  maxWords: number;
  maxCopiedWords: number;
  maxRedraws: number;
  maxCount: number;
}

/** What a draw needs beside the model: the checked ask, with its seed. */
export interface DrawRequest {
  temperature: number;
  count: number;
  /** Starting words, as class ids. */
  prefix: readonly number[];
  seed: number;
}

/** One quatrain as drawn: its token ids, how much it copies, how often it was redrawn, its own seed. */
export interface Drawn {
  ids: number[];
  copied: number;
  redraws: number;
  seed: number;
}

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
  /** Draws elsewhere (a sampling thread) instead of with `scorer` here; absent: drawn on this thread. */
  draw?: (settings: ProphecySettings, request: DrawRequest) => Promise<Drawn[]>;
  /** Frees tensors or workers the scorer holds. */
  dispose(): void;
}

/** Source of the current model; implementations cache by version. */
export interface ModelSource {
  current(): Promise<LoadedModel>;
  close(): Promise<void>;
}
