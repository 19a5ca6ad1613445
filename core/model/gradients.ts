import * as tf from "@tensorflow/tfjs";
import { fusedSoftmaxCrossEntropy, hasFusedSoftmaxCrossEntropy } from "../tf/kernels/softmax-cross-entropy.ts";
import { isSequenceModel } from "./sequence-model.ts";
import { sequenceLossAndGradientTensors } from "./sequence-training.ts";

/** Keras' epsilon: probabilities are clipped to [ε, 1-ε] before the log, as its crossentropy does. */
const EPSILON = 1e-7;

/** Loss, accuracy and gradients of one batch. */
export interface BatchGradients {
  /** Training loss: mean(classWeight[y] · crossentropy) + the model's L2 penalties. */
  loss: number;
  /** Share of the batch whose arg-max prediction is the target (under dropout). */
  acc: number;
  /**
   * d loss / d variable, keyed by the tf.Variable name of each of `model.trainableWeights`
   * (see trainableVariableNames). The caller owns and disposes them (applyGradients does).
   */
  grads: tf.NamedTensorMap;
}

/** The tf.Variable names of the model's trainable weights, in `model.trainableWeights` order. */
export function trainableVariableNames(model: tf.LayersModel): string[] {
  return model.trainableWeights.map((w) => (w.read() as tf.Variable).name);
}

/**
 * Per-example crossentropy of softmax outputs, Keras semantics (clip, then -log p[target]).
 * @param probs float32 [B, V] @param targets int32 [B] @returns float32 [B]
 */
export function crossEntropy(probs: tf.Tensor2D, targets: tf.Tensor1D): tf.Tensor1D {
  return tf.tidy(() => {
    const picked = tf.sum(tf.mul(probs, tf.oneHot(targets, probs.shape[1])), 1);
    return tf.neg(tf.log(tf.clipByValue(picked, EPSILON, 1 - EPSILON))) as tf.Tensor1D;
  });
}

/**
 * Share of rows whose arg-max is the target.
 * @param probs float32 [B, V] @param targets int32 [B] @returns float32 scalar
 */
export function accuracy(probs: tf.Tensor2D, targets: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.cast(tf.equal(tf.argMax(probs, 1), targets), "float32")));
}

/**
 * The weight penalties (L2) the layers declare, as scalars. tfjs' own `model.calculateLosses()`
 * misses those of recurrent layers (their cell owns the weights and the penalties; so `model.fit`
 * silently trains a GRU without its regularizers): take them from the cell when the layer reports none.
 */
function regularizationLosses(model: tf.LayersModel): tf.Scalar[] {
  const losses: tf.Scalar[] = [];
  for (const layer of model.layers) {
    const own = layer.calculateLosses();
    const cell = (layer as { cell?: tf.layers.Layer }).cell;
    losses.push(...(own.length === 0 && cell ? cell.calculateLosses() : own));
  }
  return losses;
}

/**
 * Forward and backward pass of one batch in training mode (dropout on), without updating weights:
 * a data-parallel runner computes this on each worker's shard and averages `grads`.
 * Loss = mean over the batch of classWeights[target] · crossentropy, plus the L2 penalties the
 * layers declare (Keras semantics for `class_weight` and regularizers).
 * @param inputs int32 [B, L] @param targets int32 [B] @param classWeights float32 [V]
 */
export function lossAndGradients(
  model: tf.LayersModel,
  inputs: tf.Tensor2D,
  targets: tf.Tensor1D | tf.Tensor2D,
  classWeights: tf.Tensor1D,
): BatchGradients {
  const { loss, acc, grads } = lossAndGradientTensors(model, inputs, targets, classWeights);
  const values = { loss: loss.dataSync()[0], acc: acc.dataSync()[0] };
  tf.dispose([loss, acc]);
  return { ...values, grads };
}

/** lossAndGradients with loss and accuracy left as scalars, to be read asynchronously (webgpu can only read so). */
export function lossAndGradientTensors(
  model: tf.LayersModel,
  inputs: tf.Tensor2D,
  targets: tf.Tensor1D | tf.Tensor2D,
  classWeights: tf.Tensor1D,
): { loss: tf.Scalar; acc: tf.Scalar; grads: tf.NamedTensorMap } {
  // The sequence model: targets [B, T], one per position.
  if (isSequenceModel(model))
    return sequenceLossAndGradientTensors(model, inputs, targets as tf.Tensor2D, classWeights);
  if (targets.rank !== 1) throw new Error(`a window model takes targets [B], got [${targets.shape.join(", ")}]`);
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const fused = hasFusedSoftmaxCrossEntropy();
  let acc: tf.Scalar | undefined;
  const { value, grads } = tf.variableGrads(() => {
    let perExample: tf.Tensor1D;
    if (fused) {
      // The backend's fused kernel takes the logits: softmax, crossentropy and its gradient in one pass each.
      const logits = outputLogits(model, inputs);
      acc = tf.keep(tf.mean<tf.Scalar>(tf.cast(tf.equal(tf.argMax(logits, 1), targets), "float32")));
      perExample = fusedSoftmaxCrossEntropy(logits, targets as tf.Tensor1D);
    } else {
      const probs = model.apply(inputs, { training: true }) as tf.Tensor2D;
      acc = tf.keep(accuracy(probs, targets as tf.Tensor1D));
      perExample = crossEntropy(probs, targets as tf.Tensor1D);
    }
    const dataLoss = tf.mean(tf.mul(tf.gather(classWeights, targets as tf.Tensor1D), perExample));
    const penalties = regularizationLosses(model);
    return (penalties.length > 0 ? tf.addN([dataLoss, ...penalties]) : dataLoss) as tf.Scalar;
  }, variables);
  return { loss: value, acc: acc!, grads };
}

/**
 * The output layer's logits in training mode: every layer but the last, then the last (a Dense
 * whose activation must be softmax) without its activation.
 */
function outputLogits(model: tf.LayersModel, inputs: tf.Tensor2D): tf.Tensor2D {
  const last = model.layers.at(-1)!;
  if ((last.getConfig() as { activation?: string }).activation !== "softmax") {
    throw new Error(`outputLogits: the last layer ${last.name} is not a softmax Dense`);
  }
  let x: tf.Tensor = inputs;
  for (const layer of model.layers.slice(0, -1)) {
    if (layer.getClassName() !== "InputLayer") x = layer.apply(x, { training: true }) as tf.Tensor;
  }
  const [kernel, bias] = last.trainableWeights.map((w) => w.read());
  const logits = tf.matMul(x, kernel);
  return (bias ? tf.add(logits, bias) : logits) as tf.Tensor2D;
}

/**
 * Applies gradients with the optimizer (keys: variable names as lossAndGradients gives them) and
 * disposes them.
 */
export function applyGradients(optimizer: tf.Optimizer, grads: tf.NamedTensorMap): void {
  optimizer.applyGradients(grads);
  tf.dispose(Object.values(grads));
}
