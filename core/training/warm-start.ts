import type * as tf from "@tensorflow/tfjs";
import type { Config } from "../../config/schema.ts";
import type { ModelVersionRecord } from "../db/model-versions.ts";
import { importModel } from "../model/index.ts";

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
  const sameVocabulary = current.vocabulary.length === words.length && current.vocabulary.every((w, i) => w === words[i]);
  const params = current.hyperParams as Record<string, unknown>;
  const sameNetwork = SHAPE_KEYS.every((k) => params[k] === settings[k]);
  if (!sameVocabulary || !sameNetwork) return null;
  const model = await importModel({
    topology: current.topology as object,
    weightSpecs: current.weightSpecs as never,
    weights: current.weights,
  });
  return { model, embeddingDim: Number(params.embeddingDim) };
}
