import type * as tf from "@tensorflow/tfjs";
import { importModel } from "./serialize.ts";
import { architectureOf, type Architecture } from "./sequence-model.ts";

/** True when both vocabularies map every class id to the same word. */
export const sameVocabulary = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((w, i) => w === b[i]);

/**
 * The architecture a stored version says it is (hyperParams.architecture); versions stored before
 * the sequence model say nothing and are window models.
 */
export function versionArchitecture(hyperParams: unknown): Architecture {
  const named = (hyperParams as { architecture?: unknown } | null)?.architecture;
  return named === "sequence" ? "sequence" : "window";
}

/**
 * The tfjs model of a stored version (as a ModelVersion row holds it), loaded with its weights.
 * The topology rebuilds either architecture (the sequence model's layer class is registered by
 * importing ./sequence-model.ts); a version whose weights are not the architecture it names is refused.
 */
export async function modelOfVersion(record: {
  topology: unknown;
  weightSpecs: unknown;
  weights: Uint8Array;
  hyperParams?: unknown;
}): Promise<tf.LayersModel> {
  const model = await importModel({
    topology: record.topology as object,
    weightSpecs: record.weightSpecs as object[],
    weights: record.weights,
  });
  if (record.hyperParams !== undefined && architectureOf(model) !== versionArchitecture(record.hyperParams)) {
    const found = architectureOf(model);
    model.dispose();
    throw new Error(
      `the stored version says it is a ${versionArchitecture(record.hyperParams)} model, but its topology is a ${found} model`,
    );
  }
  return model;
}
