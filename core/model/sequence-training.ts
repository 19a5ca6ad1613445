/**
 * The sequence model's training half: loss and gradients of a batch, evaluation over examples.
 * Apart from sequence-model.ts so that serving, which rebuilds and steps the model, loads none of it.
 */
import * as tf from "@tensorflow/tfjs";
import type { Examples } from "./example-set.ts";
import { sequenceLogits, sequenceNet } from "./sequence-model.ts";
import { sparseSoftmaxCrossEntropy } from "./sequence-ops.ts";

/**
 * Loss, accuracy and gradients of one batch of whole quatrains in training mode (teacher forcing:
 * every position predicts the next token; padding targets -1 count for nothing).
 * Loss = Σ classWeight[y] · crossentropy over the real targets / their count.
 * @param inputs int32 [B, T] @param targets int32 [B, T] @param classWeights float32 [V]
 */
export function sequenceLossAndGradientTensors(
  model: tf.LayersModel,
  inputs: tf.Tensor2D,
  targets: tf.Tensor2D,
  classWeights: tf.Tensor1D,
): { loss: tf.Scalar; acc: tf.Scalar; grads: tf.NamedTensorMap } {
  const net = sequenceNet(model);
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  let acc: tf.Scalar | undefined;
  const { value, grads } = tf.variableGrads(() => {
    const [B, T] = targets.shape;
    const flat = tf.reshape<tf.Rank.R1>(targets, [B * T]);
    const rows = sparseSoftmaxCrossEntropy(sequenceLogits(net, inputs, true), flat);
    const valid = tf.cast(tf.greaterEqual(flat, 0), "float32");
    const count = tf.maximum(tf.sum(valid), 1);
    acc = tf.keep(tf.div<tf.Scalar>(tf.sum(rows.correct), count));
    rows.correct.dispose();
    const weights = tf.mul(tf.gather(classWeights, tf.maximum(flat, tf.scalar(0, "int32"))), valid);
    return tf.div<tf.Scalar>(tf.sum(tf.mul(rows.loss, weights)), count);
  }, variables);
  return { loss: value, acc: acc!, grads };
}

/** Rows of sequence examples per evaluation batch: about `tokens` positions each. */
const rowsPer = (examples: Examples, tokens: number) => Math.max(1, Math.floor(tokens / examples.phraseLength));

/**
 * Mean unweighted crossentropy per real target and accuracy of a sequence model, inference mode,
 * in batches of about `batchTokens` positions. NaN for both when there are no examples.
 */
export async function evaluateSequence(
  model: tf.LayersModel,
  examples: Examples,
  batchTokens: number,
): Promise<{ loss: number; acc: number }> {
  const net = sequenceNet(model);
  const { count, phraseLength: T } = examples;
  let lossSum = 0;
  let correct = 0;
  let tokens = 0;
  const rows = rowsPer(examples, batchTokens);
  for (let start = 0; start < count; start += rows) {
    const end = Math.min(count, start + rows);
    const [l, c, n] = tf.tidy((): [tf.Scalar, tf.Scalar, tf.Scalar] => {
      const ids = tf.tensor2d(examples.inputs.subarray(start * T, end * T), [end - start, T], "int32");
      const flat = tf.tensor1d(examples.targets.subarray(start * T, end * T), "int32");
      const r = sparseSoftmaxCrossEntropy(sequenceLogits(net, ids, false), flat);
      return [tf.sum(r.loss), tf.sum(r.correct), tf.sum(tf.cast(tf.greaterEqual(flat, 0), "float32"))];
    });
    const [lv, cv, nv] = await Promise.all([l.data(), c.data(), n.data()]);
    lossSum += lv[0];
    correct += cv[0];
    tokens += nv[0];
    tf.dispose([l, c, n]);
  }
  return tokens === 0 ? { loss: NaN, acc: NaN } : { loss: lossSum / tokens, acc: correct / tokens };
}

/**
 * evaluateWithUnknown for a sequence model: a target marked in `unknown` scores the total
 * probability of every such word (one unknown class, as for the trigram).
 */
export function evaluateSequenceWithUnknown(
  model: tf.LayersModel,
  examples: Examples,
  unknown: Uint8Array,
  batchTokens: number,
): { loss: number; unknownTokens: number } {
  const net = sequenceNet(model);
  const { count, phraseLength: T } = examples;
  let unknownTokens = 0;
  let tokens = 0;
  for (const t of examples.targets) {
    if (t < 0) continue;
    tokens++;
    if (unknown[t]) unknownTokens++;
  }
  if (tokens === 0) return { loss: NaN, unknownTokens };
  const mask = tf.tensor2d(Float32Array.from(unknown), [unknown.length, 1]);
  let lossSum = 0;
  try {
    const rows = rowsPer(examples, batchTokens);
    for (let start = 0; start < count; start += rows) {
      const end = Math.min(count, start + rows);
      const targets = examples.targets.subarray(start * T, end * T);
      const isUnknown = Float32Array.from(targets, (t) => (t >= 0 && unknown[t] ? 1 : 0));
      const valid = Float32Array.from(targets, (t) => (t >= 0 ? 1 : 0));
      const batchLoss = tf.tidy(() => {
        const ids = tf.tensor2d(examples.inputs.subarray(start * T, end * T), [end - start, T], "int32");
        const probs = tf.softmax(sequenceLogits(net, ids, false));
        const safe = tf.tensor1d(
          Int32Array.from(targets, (t) => Math.max(t, 0)),
          "int32",
        );
        const own = tf.sum(tf.mul(probs, tf.oneHot(safe, probs.shape[1])), 1);
        const pooled = tf.reshape(tf.matMul(probs, mask), [targets.length]);
        const flag = tf.tensor1d(isUnknown);
        const p = tf.add(tf.mul(flag, pooled), tf.mul(tf.sub(1, flag), own));
        return tf.neg(tf.sum(tf.mul(tf.log(tf.maximum(p, 1e-30)), tf.tensor1d(valid))));
      });
      lossSum += batchLoss.dataSync()[0];
      batchLoss.dispose();
    }
  } finally {
    mask.dispose();
  }
  return { loss: lossSum / tokens, unknownTokens };
}
