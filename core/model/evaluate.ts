import * as tf from "@tensorflow/tfjs";
import {
  documentsOfExamples,
  isSequenceExamples,
  makeExamples,
  makeSequenceExamples,
  type Examples,
} from "./examples.ts";
import { accuracy, crossEntropy } from "./gradients.ts";
import { isSequenceModel } from "./sequence-model.ts";
import { evaluateSequence, evaluateSequenceWithUnknown } from "./sequence-training.ts";

/**
 * The same documents as examples of the model's own kind (the gate scores the current version,
 * maybe a window model, on a sequence candidate's validation quatrains, and the other way round).
 */
function examplesFor(model: tf.LayersModel, examples: Examples): Examples {
  const sequence = isSequenceModel(model);
  if (sequence === isSequenceExamples(examples)) {
    if (sequence) return examples;
    const L = (model.inputs[0].shape as [number | null, number])[1];
    if (L === examples.phraseLength) return examples;
  }
  const docs = documentsOfExamples(examples);
  return sequence
    ? makeSequenceExamples(docs)
    : makeExamples(docs, (model.inputs[0].shape as [number | null, number])[1]);
}

/** Mean loss and accuracy over a set of examples. */
export interface Evaluation {
  /** Mean unweighted crossentropy (nats per word; perplexity = e^loss). */
  loss: number;
  acc: number;
}

/**
 * Unweighted crossentropy and accuracy in inference mode (no dropout), in batches.
 * Unlike Keras' val_loss, the L2 penalty is not added: the figure is a log-perplexity, comparable
 * between models trained with different regularisation (the promotion gate compares these).
 * Returns NaN for both when there are no examples.
 */
export async function evaluate(model: tf.LayersModel, given: Examples, batchSize: number): Promise<Evaluation> {
  const examples = examplesFor(model, given);
  if (isSequenceModel(model)) return evaluateSequence(model, examples, batchSize * 2);
  const { count, phraseLength: L } = examples;
  if (count === 0) return { loss: NaN, acc: NaN };
  let lossSum = 0;
  let correct = 0;
  for (let start = 0; start < count; start += batchSize) {
    const end = Math.min(count, start + batchSize);
    const [batchLoss, batchAcc] = tf.tidy((): [tf.Scalar, tf.Scalar] => {
      const inputs = tf.tensor2d(examples.inputs.subarray(start * L, end * L), [end - start, L], "int32");
      const targets = tf.tensor1d(examples.targets.subarray(start, end), "int32");
      const probs = model.apply(inputs, { training: false }) as tf.Tensor2D;
      return [tf.sum(crossEntropy(probs, targets)), accuracy(probs, targets)];
    });
    // Async reads: webgpu has no synchronous one in Node.
    const [l, a] = await Promise.all([batchLoss.data(), batchAcc.data()]);
    lossSum += l[0];
    correct += a[0] * (end - start);
    tf.dispose([batchLoss, batchAcc]);
  }
  return { loss: lossSum / count, acc: correct / count };
}

/**
 * Crossentropy with one unknown class: a target marked in `unknown` (a word the training part
 * never had) scores the total probability of every such word, as perplexityWithUnknown does for the
 * trigram, so both models are scored on the same events. Inference mode, in batches.
 * @param unknown [V] 1 for the words of the unknown class
 * @returns mean loss (nats per token) and how many targets were unknown; NaN loss when empty
 */
export function evaluateWithUnknown(
  model: tf.LayersModel,
  given: Examples,
  unknown: Uint8Array,
  batchSize: number,
): { loss: number; unknownTokens: number } {
  const examples = examplesFor(model, given);
  if (isSequenceModel(model)) return evaluateSequenceWithUnknown(model, examples, unknown, batchSize * 2);
  const { count, phraseLength: L } = examples;
  let unknownTokens = 0;
  for (let i = 0; i < count; i++) if (unknown[examples.targets[i]]) unknownTokens++;
  if (count === 0) return { loss: NaN, unknownTokens };
  const maskTensor = tf.tensor2d(Float32Array.from(unknown), [unknown.length, 1]);
  let lossSum = 0;
  try {
    for (let start = 0; start < count; start += batchSize) {
      const end = Math.min(count, start + batchSize);
      const targets = examples.targets.subarray(start, end);
      const isUnknown = Float32Array.from(targets, (t) => unknown[t]);
      const batchLoss = tf.tidy(() => {
        const inputs = tf.tensor2d(examples.inputs.subarray(start * L, end * L), [end - start, L], "int32");
        const probs = model.apply(inputs, { training: false }) as tf.Tensor2D;
        const own = tf.sum(tf.mul(probs, tf.oneHot(tf.tensor1d(targets, "int32"), probs.shape[1])), 1);
        const pooled = tf.reshape(tf.matMul(probs, maskTensor), [end - start]);
        const flag = tf.tensor1d(isUnknown);
        const p = tf.add(tf.mul(flag, pooled), tf.mul(tf.sub(1, flag), own));
        return tf.neg(tf.sum(tf.log(tf.maximum(p, 1e-30))));
      });
      lossSum += batchLoss.dataSync()[0];
      batchLoss.dispose();
    }
  } finally {
    maskTensor.dispose();
  }
  return { loss: lossSum / count, unknownTokens };
}
