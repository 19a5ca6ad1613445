import * as tf from "@tensorflow/tfjs";

/** A model as bytes and JSON, the way a ModelVersion row stores it. */
export interface ModelArtifacts {
  /** Keras-style model topology JSON (tf.io modelTopology). */
  topology: object;
  /** tf.io weight specs: name, shape, dtype of each weight, in `weights` order. */
  weightSpecs: object[];
  /** All weights, concatenated as little-endian float32 per weightSpecs. */
  weights: Uint8Array;
}

/** Serialises topology and weights in memory (no optimizer state). */
export async function exportModel(model: tf.LayersModel): Promise<ModelArtifacts> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } };
    }),
  );
  if (!saved?.modelTopology || !saved.weightSpecs || !saved.weightData)
    throw new Error("model.save produced no artifacts");
  const buffer = tf.io.CompositeArrayBuffer.join(saved.weightData);
  return {
    topology: saved.modelTopology,
    weightSpecs: saved.weightSpecs,
    weights: new Uint8Array(buffer.slice(0)),
  };
}

/** Rebuilds a model from exportModel's artifacts; it predicts exactly as the exported one did. */
export async function importModel(artifacts: ModelArtifacts): Promise<tf.LayersModel> {
  const { weights } = artifacts;
  // Copy into a fresh, exactly-sized buffer: a Uint8Array from a database driver may be a view on a larger one.
  const weightData = weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) as ArrayBuffer;
  return tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: artifacts.topology,
      weightSpecs: artifacts.weightSpecs as tf.io.WeightsManifestEntry[],
      weightData,
    }),
  );
}
