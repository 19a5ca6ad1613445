import type * as tf from "@tensorflow/tfjs";
import { wordIndex } from "../corpus/index.ts";
import type { Db } from "../db/client.ts";
import { currentPromotionOf, getModelVersion, type ModelVersionRecord } from "../db/model-versions.ts";
import { UserError } from "../errors.ts";
import { buildCopyIndex, samplingVocabulary, type NextWordScorer } from "../model/index.ts";
import { fastScorer } from "../tf/fast-scorer.ts";
import { bytesToIds, documentsOfIds } from "../training/prepare-corpus.ts";
import { modelOfVersion } from "../training/version-model.ts";
import type { LoadedModel, ModelSource } from "./loaded-model.ts";

/** Builds the scorer for a loaded model; the default steps the GRU on cached weights and batches concurrent draws. */
export type ScorerFactory = (model: tf.LayersModel) => NextWordScorer & { dispose?: () => void };

async function load(record: ModelVersionRecord, makeScorer: ScorerFactory): Promise<LoadedModel> {
  if (!record.weights || !record.corpusIds) {
    throw new UserError(`Model version ${record.version} has no weights any more.`, "Promote another version: oracle promote VERSION");
  }
  const model = await modelOfVersion({ ...record, weights: record.weights });
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
}

/**
 * The current model from the database, loaded once per version: each call checks which version is
 * current (one small query) and loads a newly promoted one, so a promotion or rollback reaches
 * every bot without a restart.
 */
export function databaseModelSource(db: Db, makeScorer: ScorerFactory = (model) => fastScorer(model)): ModelSource {
  let loaded: Promise<LoadedModel> | undefined;
  let loadedVersion: number | undefined;
  return {
    async current() {
      const promotion = await currentPromotionOf(db);
      if (!promotion) throw new UserError("No model has been trained yet.", "Run: oracle train");
      if (loaded && loadedVersion === promotion.version) return loaded;
      const previous = loaded;
      loadedVersion = promotion.version;
      const loading = getModelVersion(db, promotion.version, { withWeights: true, withCorpusIds: true }).then((record) => {
        if (!record) throw new UserError(`Model version ${promotion.version} is missing.`);
        return load(record, makeScorer);
      });
      loaded = loading;
      // A failed load is retried on the next call.
      loading.catch(() => {
        if (loaded === loading) [loaded, loadedVersion] = [undefined, undefined];
      });
      // In-flight draws on the old model finish first; dispose it a little later.
      previous?.then((m) => setTimeout(() => m.dispose(), 30_000).unref(), () => {});
      return loaded;
    },
    async close() {
      const m = await loaded?.catch(() => undefined);
      m?.dispose();
      loaded = undefined;
    },
  };
}
