import type * as tf from "@tensorflow/tfjs";
import type { Config } from "../../config/schema.ts";
import type { ModelVersionRecord } from "../db/model-versions.ts";
import { modelOfVersion, sameVocabulary, versionArchitecture } from "../model/index.ts";

type ModelSettings = Config["model"];

/** The settings that must match for the stored weights to be this network (per architecture). */
const SHAPE_KEYS = {
  window: ["phraseLength", "units", "dropout", "recurrentDropout", "l2"],
  sequence: ["units", "layers", "tiedOutput", "dropout"],
} as const;

/**
 * The current version's model to continue training from, or null when it cannot be reused:
 * no current version, its weights dropped, another vocabulary, or other network settings.
 */
export async function warmStartModel(
  current: ModelVersionRecord | null,
  words: readonly string[],
  settings: ModelSettings,
): Promise<{ model: tf.LayersModel; embeddingDim: number } | null> {
  if (!current?.weights) return null;
  const params = current.hyperParams as Record<string, unknown>;
  const sameNetwork =
    versionArchitecture(params) === settings.architecture &&
    SHAPE_KEYS[settings.architecture].every((k) => params[k] === settings[k]);
  if (!sameVocabulary(current.vocabulary, words) || !sameNetwork) return null;
  return {
    model: await modelOfVersion({ ...current, weights: current.weights, hyperParams: current.hyperParams }),
    embeddingDim: Number(params.embeddingDim),
  };
}
