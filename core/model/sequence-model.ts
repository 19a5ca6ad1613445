import * as tf from "@tensorflow/tfjs";
import { orthogonalRows } from "./build.ts";
import { gruSequence } from "./sequence-ops.ts";

/** Hyper-parameters of the sequence model (all from config). */
export interface SequenceModelOptions {
  /** V: classes, the break marker (also the end-of-quatrain token) included. */
  vocabSize: number;
  /** E: embedding width (GloVe dimension). */
  embeddingDim: number;
  /** H: GRU state size. */
  units: number;
  /** Stacked GRU layers (≥ 1). */
  layers: number;
  /** Dropout on the embeddings and on each GRU layer's outputs (training only). */
  dropout: number;
  /** The output layer reuses the embedding: logits = (h @ P) @ embeddingᵀ + b (P: [H, E]). */
  tied: boolean;
  /** Initial embedding matrix, row-major [V, E] (e.g. GloVe); random uniform ±0.05 when absent. */
  embeddings?: Float32Array;
  seed?: number;
}

type NetConfig = Omit<SequenceModelOptions, "embeddings">;

/** Which network a model (and a stored version) is: the seed's 4-word window, or the whole quatrain. */
export type Architecture = "window" | "sequence";

/**
 * The whole-quatrain network as one layer: Embedding(V, E) → GRU(H) × layers (reset after,
 * sigmoid/tanh) → output (untied [H, V], or tied through the embedding) + bias. Input int32 [B, T]
 * class ids from the start of the quatrain (a break marker first); output the logits of the next
 * word after every position, [B, T, V]. One layer so the whole model is saved and loaded as tfjs
 * layers (registered class), while training runs its own fused kernels on the weights.
 */
export class QuatrainGru extends tf.layers.Layer {
  static className = "OracleQuatrainGru";
  readonly net: NetConfig;
  embedding!: tf.LayerVariable;
  grus: {
    kernel: tf.LayerVariable;
    recurrent: tf.LayerVariable;
    bias: tf.LayerVariable;
    recurrentBias: tf.LayerVariable;
  }[] = [];
  projection?: tf.LayerVariable;
  outputKernel?: tf.LayerVariable;
  outputBias!: tf.LayerVariable;

  constructor(args: NetConfig & { name?: string }) {
    super({ name: args.name });
    this.net = {
      vocabSize: args.vocabSize,
      embeddingDim: args.embeddingDim,
      units: args.units,
      layers: args.layers,
      dropout: args.dropout,
      tied: args.tied,
      ...(args.seed === undefined ? {} : { seed: args.seed }),
    };
  }

  override build(): void {
    const { vocabSize: V, embeddingDim: E, units: H, layers, tied, seed } = this.net;
    const at = (k: number) => (seed === undefined ? undefined : seed + k);
    const glorot = (k: number) => tf.initializers.glorotUniform({ seed: at(k) });
    const zeros = tf.initializers.zeros();
    this.embedding = this.addWeight(
      "embedding",
      [V, E],
      "float32",
      tf.initializers.randomUniform({ minval: -0.05, maxval: 0.05, seed }),
    );
    for (let l = 0; l < layers; l++) {
      this.grus.push({
        kernel: this.addWeight(`gru${l}_kernel`, [l === 0 ? E : H, 3 * H], "float32", glorot(10 * l + 1)),
        // Orthogonal, set by buildSequenceModel (tfjs' Orthogonal initializer warns at this size).
        recurrent: this.addWeight(`gru${l}_recurrent`, [H, 3 * H], "float32", zeros),
        bias: this.addWeight(`gru${l}_bias`, [3 * H], "float32", zeros),
        recurrentBias: this.addWeight(`gru${l}_recurrent_bias`, [3 * H], "float32", zeros),
      });
    }
    if (tied) this.projection = this.addWeight("projection", [H, E], "float32", glorot(3));
    else this.outputKernel = this.addWeight("output", [H, V], "float32", glorot(3));
    this.outputBias = this.addWeight("output_bias", [V], "float32", zeros);
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = inputShape as tf.Shape;
    return [shape[0]!, shape[1]!, this.net.vocabSize];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    return tf.tidy(() => {
      const ids = tf.cast(Array.isArray(inputs) ? inputs[0] : inputs, "int32") as tf.Tensor2D;
      const [B, T] = ids.shape;
      return tf.reshape(sequenceLogits(this, ids, kwargs.training ?? false), [B, T, this.net.vocabSize]);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...this.net };
  }
}
tf.serialization.registerClass(QuatrainGru);

/** Builds the sequence model, GloVe (or random) embedding and orthogonal recurrent kernels set. */
export function buildSequenceModel(opts: SequenceModelOptions): tf.LayersModel {
  const { vocabSize: V, embeddingDim: E, units: H } = opts;
  if (opts.embeddings && opts.embeddings.length !== V * E) {
    throw new Error(`embeddings has ${opts.embeddings.length} values, expected V×E = ${V}×${E}`);
  }
  if (!(opts.layers >= 1)) throw new Error(`a sequence model needs at least one GRU layer, got ${opts.layers}`);
  const { embeddings, ...config } = opts;
  const layer = new QuatrainGru({ ...config, name: "quatrain" });
  const input = tf.input({ shape: [null], dtype: "int32", name: "tokens" });
  const model = tf.model({ inputs: input, outputs: layer.apply(input) as tf.SymbolicTensor, name: "sequence" });
  tf.tidy(() => {
    if (embeddings) layer.embedding.write(tf.tensor2d(embeddings, [V, E]));
    layer.grus.forEach((g, l) =>
      g.recurrent.write(orthogonalRows(H, 3 * H, opts.seed === undefined ? undefined : opts.seed + 10 * l + 2)),
    );
  });
  return model;
}

/** The QuatrainGru layer of a sequence model, or undefined for any other model. */
function quatrainLayer(model: tf.LayersModel): QuatrainGru | undefined {
  return model.layers.find((l): l is QuatrainGru => l instanceof QuatrainGru);
}

export const isSequenceModel = (model: tf.LayersModel): boolean => quatrainLayer(model) !== undefined;

export const architectureOf = (model: tf.LayersModel): Architecture => (isSequenceModel(model) ? "sequence" : "window");

export function sequenceNet(model: tf.LayersModel): QuatrainGru {
  const net = quatrainLayer(model);
  if (!net) throw new Error(`model ${model.name} is not a sequence model`);
  return net;
}

/**
 * The logits of the next word after every position, [B·T, V] (row b·T + t: after ids[b, 0..t]).
 * Training mode applies dropout to the embeddings and each GRU layer's outputs.
 */
export function sequenceLogits(net: QuatrainGru, ids: tf.Tensor2D, training: boolean): tf.Tensor2D {
  const { units: H, dropout, tied } = net.net;
  const [B, T] = ids.shape;
  const drop = (x: tf.Tensor) => (training && dropout > 0 ? tf.dropout(x, dropout) : x);
  const embedding = net.embedding.read() as tf.Tensor2D;
  let x = drop(tf.gather(embedding, tf.reshape(ids, [B * T]))) as tf.Tensor2D;
  for (const gru of net.grus) {
    const xg = tf.add(tf.matMul(x, gru.kernel.read() as tf.Tensor2D), gru.bias.read());
    const hs = gruSequence(
      tf.reshape(xg, [B, T, 3 * H]),
      gru.recurrent.read() as tf.Tensor2D,
      gru.recurrentBias.read() as tf.Tensor1D,
    );
    x = drop(tf.reshape(hs, [B * T, H])) as tf.Tensor2D;
  }
  const logits = tied
    ? tf.matMul(tf.matMul(x, net.projection!.read() as tf.Tensor2D), embedding, false, true)
    : tf.matMul(x, net.outputKernel!.read());
  return tf.add<tf.Tensor2D>(logits, net.outputBias.read());
}

/** A sequence model's weights as plain arrays (for the fast sampler). */
export interface SequenceArrays {
  vocabSize: number;
  embeddingDim: number;
  units: number;
  embedding: Float32Array;
  grus: { kernel: Float32Array; recurrent: Float32Array; bias: Float32Array; recurrentBias: Float32Array }[];
  /** [H, V]: the output kernel (tied: projection @ embeddingᵀ, computed once). */
  output: Float32Array;
  outputBias: Float32Array;
}

/** Reads a sequence model's weights (no reference to the model is kept). */
export function sequenceArrays(model: tf.LayersModel): SequenceArrays {
  const net = sequenceNet(model);
  const read = (v: tf.LayerVariable) => v.read().dataSync() as Float32Array;
  const output = net.net.tied
    ? tf.tidy(() => tf.matMul(net.projection!.read() as tf.Tensor2D, net.embedding.read() as tf.Tensor2D, false, true))
    : undefined;
  try {
    return {
      vocabSize: net.net.vocabSize,
      embeddingDim: net.net.embeddingDim,
      units: net.net.units,
      embedding: read(net.embedding).slice(),
      grus: net.grus.map((g) => ({
        kernel: read(g.kernel).slice(),
        recurrent: read(g.recurrent).slice(),
        bias: read(g.bias).slice(),
        recurrentBias: read(g.recurrentBias).slice(),
      })),
      output: output ? (output.dataSync() as Float32Array).slice() : read(net.outputKernel!).slice(),
      outputBias: read(net.outputBias).slice(),
    };
  } finally {
    output?.dispose();
  }
}
