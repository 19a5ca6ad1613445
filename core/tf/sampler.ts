import type * as tf from "@tensorflow/tfjs";
import type { Scorer } from "../model/sample.ts";
import { isSequenceModel } from "../model/sequence-model.ts";
import { fastScorer } from "./fast-scorer.ts";
import { sequenceSampler } from "./sequence-sampler.ts";

/** A fast scorer of either architecture, owning tensors (and maybe a helper thread) until disposed. */
export type FastSampler = Scorer & { dispose(): void };

/** The fast sampler of a model: carried GRU state for the sequence model, the window scorer for the window model. */
export function fastSamplerFor(model: tf.LayersModel, opts: { helperThread?: boolean } = {}): FastSampler {
  return isSequenceModel(model) ? sequenceSampler(model, opts) : fastScorer(model, opts);
}
