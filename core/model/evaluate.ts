import * as tf from "@tensorflow/tfjs";
import type { Examples } from "./examples.ts";
import { accuracy, crossEntropy } from "./gradients.ts";

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
export async function evaluate(model: tf.LayersModel, examples: Examples, batchSize: number): Promise<Evaluation> {
  const { count, phraseLength: L } = examples;
  if (count === 0) return { loss: NaN, acc: NaN };
  let lossSum = 0;
  let correct = 0;
  for (let start = 0; start < count; start += batchSize) {
    const end = Math.min(count, start + batchSize);
    const [batchLoss, batchAcc] = tf.tidy(() => {
      const inputs = tf.tensor2d(examples.inputs.subarray(start * L, end * L), [end - start, L], "int32");
      const targets = tf.tensor1d(examples.targets.subarray(start, end), "int32");
      const probs = model.apply(inputs, { training: false }) as tf.Tensor2D;
      return [tf.sum(crossEntropy(probs, targets)), accuracy(probs, targets)];
    });
    // Async reads: webgpu has no synchronous one in Node.
    const [l, a] = await Promise.all([batchLoss.data(), batchAcc.data()]);
    lossSum += l[0]!;
    correct += a[0]! * (end - start);
    tf.dispose([batchLoss, batchAcc]);
  }
  return { loss: lossSum / count, acc: correct / count };
}
