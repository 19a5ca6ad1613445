// A stored model version turned into what prophesy() samples from: on the serving thread, and on
// a sampling thread from the same record.
import type * as tf from "@tensorflow/tfjs";
import { bytesToIds, documentsOfIds, wordIndex } from "../corpus/index.ts";
import type { ModelVersionRecord } from "../db/model-versions.ts";
import { buildCopyIndex } from "../model/originality.ts";
import { samplingVocabulary, type Scorer } from "../model/sample.ts";
import { modelOfVersion } from "../model/version-model.ts";
import type { LoadedModel } from "./loaded-model.ts";

/**
 * Builds the scorer for a loaded model; the default steps the GRU on cached weights and batches
 * concurrent draws (carrying each quatrain's state for the sequence model).
 */
export type ScorerFactory = (model: tf.LayersModel) => Scorer & { dispose?: () => void };

/** What loading reads of a version's row. */
export type StoredVersion = Pick<
  ModelVersionRecord,
  "version" | "topology" | "weightSpecs" | "vocabulary" | "casing" | "weights" | "corpusIds" | "hyperParams"
>;

export async function loadModel(record: StoredVersion, makeScorer: ScorerFactory): Promise<LoadedModel> {
  if (!record.weights || !record.corpusIds) throw new Error(`model version ${record.version} has no weights any more`);
  const model = await modelOfVersion({ ...record, weights: record.weights, hyperParams: record.hyperParams });
  try {
    const scorer = makeScorer(model);
    const documents = documentsOfIds(bytesToIds(record.corpusIds));
    return {
      version: record.version,
      words: record.vocabulary,
      index: wordIndex(record.vocabulary),
      casing: record.casing,
      scorer,
      copyIndex: buildCopyIndex(documents),
      sampling: samplingVocabulary(record.vocabulary, documents),
      dispose: () => {
        scorer.dispose?.();
        model.dispose();
      },
    };
  } catch (error) {
    model.dispose();
    throw error;
  }
}

/** A version whose network and corpus index are built on first use (`full()`): see deferredModel. */
export type DeferredModel = LoadedModel & { full(): Promise<LoadedModel> };

/**
 * What the serving thread needs of a version whose quatrains are drawn on sampling threads: the
 * words, their index and casing now; the network, copy index and sampling rules (~150 ms of the
 * event loop, a stall at every swap) only when a draw falls back to this thread (`full()`).
 */
export function deferredModel(record: StoredVersion, makeScorer: ScorerFactory): DeferredModel {
  let loading: Promise<LoadedModel> | undefined;
  let disposed = false;
  const notHere = (): never => {
    throw new Error(`model version ${record.version} draws on its sampling threads: call full() first`);
  };
  return {
    version: record.version,
    words: record.vocabulary,
    index: wordIndex(record.vocabulary),
    casing: record.casing,
    get scorer() {
      return notHere();
    },
    get copyIndex() {
      return notHere();
    },
    get sampling() {
      return notHere();
    },
    full() {
      loading ??= loadModel(record, makeScorer).then((model) => {
        if (disposed) model.dispose();
        return model;
      });
      return loading;
    },
    dispose() {
      disposed = true;
      void loading?.then(
        (model) => model.dispose(),
        () => undefined,
      );
    },
  };
}
