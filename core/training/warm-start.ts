import type * as tf from "@tensorflow/tfjs";
import type { Config } from "../../config/schema.ts";
import type { ModelVersionRecord } from "../db/model-versions.ts";
import { modelOfVersion, sameVocabulary } from "../model/index.ts";

type ModelSettings = Config["model"];

const SHAPE_KEYS = ["phraseLength", "units", "dropout", "recurrentDropout", "l2"] as const;

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
  const sameNetwork = SHAPE_KEYS.every((k) => params[k] === settings[k]);
  if (!sameVocabulary(current.vocabulary, words) || !sameNetwork) return null;
  return {
    model: await modelOfVersion({ ...current, weights: current.weights }),
    embeddingDim: Number(params.embeddingDim),
  };
}
