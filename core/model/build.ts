import * as tf from "@tensorflow/tfjs";

/** Hyper-parameters of the network (all from config). */
export interface ModelOptions {
  /** V: classes, break marker included. */
  vocabSize: number;
  /** E: embedding width (GloVe dimension). */
  embeddingDim: number;
  /** L: words of context. */
  phraseLength: number;
  /** H: GRU state size. */
  units: number;
  /** Dropout on the GRU inputs (training only). */
  dropout: number;
  /** Dropout on the GRU recurrent state (training only). */
  recurrentDropout: number;
  /** L2 factor on the GRU kernel, recurrent kernel and bias. */
  l2: number;
  /** Initial embedding matrix, row-major [V, E] (e.g. GloVe); random uniform ±0.05 when absent. */
  embeddings?: Float32Array;
  /** Seed of the weight initialisers. */
  seed?: number;
}

/** Layer names are fixed so weights and gradients line up between processes (see trainableVariableNames). */
export const LAYER_NAMES = { embedding: "embedding", gru: "gru", dense: "dense" } as const;

/**
 * The seed's network: Embedding(V, E, trainable) → GRU(H, dropout, recurrent dropout, L2 on
 * kernel, recurrent kernel and bias) → Dense(V, softmax).
 * Input: int32 [B, L] class ids. Output: float32 [B, V] next-word probabilities.
 */
export function buildModel(opts: ModelOptions): tf.LayersModel {
  const { vocabSize: V, embeddingDim: E, phraseLength: L, units: H, seed } = opts;
  if (opts.embeddings && opts.embeddings.length !== V * E) {
    throw new Error(`embeddings has ${opts.embeddings.length} values, expected V×E = ${V}×${E}`);
  }
  const l2 = () => tf.regularizers.l2({ l2: opts.l2 });
  const model = tf.sequential({
    layers: [
      tf.layers.embedding({
        name: LAYER_NAMES.embedding,
        inputDim: V,
        outputDim: E,
        inputLength: L,
        embeddingsInitializer: tf.initializers.randomUniform({ minval: -0.05, maxval: 0.05, seed }),
      }),
      tf.layers.gru({
        name: LAYER_NAMES.gru,
        units: H,
        dropout: opts.dropout,
        recurrentDropout: opts.recurrentDropout,
        kernelInitializer: tf.initializers.glorotUniform({ seed: seed === undefined ? undefined : seed + 1 }),
        // Set to an orthogonal matrix below: tfjs' Orthogonal initializer prints a warning for it.
        recurrentInitializer: tf.initializers.zeros(),
        kernelRegularizer: l2(),
        recurrentRegularizer: l2(),
        biasRegularizer: l2(),
      }),
      tf.layers.dense({
        name: LAYER_NAMES.dense,
        units: V,
        activation: "softmax",
        kernelInitializer: tf.initializers.glorotUniform({ seed: seed === undefined ? undefined : seed + 3 }),
      }),
    ],
  });
  if (opts.embeddings) {
    tf.tidy(() => model.getLayer(LAYER_NAMES.embedding).setWeights([tf.tensor2d(opts.embeddings!, [V, E])]));
  }
  tf.tidy(() => {
    const gru = model.getLayer(LAYER_NAMES.gru);
    const [kernel, , bias] = gru.getWeights();
    gru.setWeights([kernel, orthogonalRows(H, 3 * H, seed === undefined ? undefined : seed + 2), bias]);
  });
  return model;
}

/**
 * A random matrix with orthonormal rows, as Keras' Orthogonal initializer makes it: QR of a
 * Gaussian matrix, signs fixed by R's diagonal so the result is uniformly distributed.
 * @returns float32 [rows, cols], rows ≤ cols
 */
export function orthogonalRows(rows: number, cols: number, seed?: number): tf.Tensor2D {
  const [q, r] = tf.linalg.qr(tf.randomNormal([cols, rows], 0, 1, "float32", seed));
  const signs = tf.sign(tf.sum(tf.mul(r, tf.eye(rows)), 0));
  return tf.transpose(tf.mul(q, signs)) as tf.Tensor2D;
}
