import type * as tf from "@tensorflow/tfjs";
import { importModel } from "./serialize.ts";

/** True when both vocabularies map every class id to the same word. */
export const sameVocabulary = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((w, i) => w === b[i]);

/** The tfjs model of a stored version (as a ModelVersion row holds it), loaded with its weights. */
export function modelOfVersion(record: {
  topology: unknown;
  weightSpecs: unknown;
  weights: Uint8Array;
}): Promise<tf.LayersModel> {
  return importModel({
    topology: record.topology as object,
    weightSpecs: record.weightSpecs as object[],
    weights: record.weights,
  });
}
