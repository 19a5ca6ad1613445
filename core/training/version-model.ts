import type * as tf from "@tensorflow/tfjs";
import type { ModelVersionRecord } from "../db/model-versions.ts";
import { importModel } from "../model/index.ts";

/** True when both vocabularies map every class id to the same word. */
export const sameVocabulary = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((w, i) => w === b[i]);

/** The tfjs model of a stored version, loaded with its weights (which the caller checked are there). */
export function modelOfVersion(record: ModelVersionRecord & { weights: Uint8Array }): Promise<tf.LayersModel> {
  return importModel({ topology: record.topology as object, weightSpecs: record.weightSpecs as never, weights: record.weights });
}
