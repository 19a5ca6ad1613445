import * as tf from "@tensorflow/tfjs";
import { GruSequence, GruSequenceGrad } from "../tf/kernels/gru-sequence.ts";
import { SparseCrossEntropy, SparseCrossEntropyGrad } from "../tf/kernels/sparse-cross-entropy.ts";

const hasKernel = (name: string) => tf.getKernel(name, tf.getBackend()) !== undefined;

/**
 * The GRU over whole sequences (reset after the recurrent product; see core/tf/kernels/gru-sequence.ts).
 * On wasm and cpu the fused kernels run it (one call forward, one backward); elsewhere the same
 * arithmetic in stock ops, step by step.
 * @param xg float32 [B, T, 3H]: the inputs' projection and bias @param recurrent [H, 3H] @param recurrentBias [3H]
 * @returns float32 [B, T, H]: the state after each step
 */
export function gruSequence(xg: tf.Tensor3D, recurrent: tf.Tensor2D, recurrentBias: tf.Tensor1D): tf.Tensor3D {
  if (!hasKernel(GruSequence)) return gruSequenceReference(xg, recurrent, recurrentBias);
  const op = tf.customGrad(((x: tf.Tensor3D, u: tf.Tensor2D, bu: tf.Tensor1D, save: tf.GradSaveFunc) => {
    const [hs, gates] = tf
      .engine()
      .runKernel(GruSequence, { xg: x, recurrent: u, recurrentBias: bu }, {}) as unknown as tf.Tensor3D[];
    save([hs, gates, u]);
    return {
      value: hs,
      gradFunc: (dhs: tf.Tensor3D, saved: tf.Tensor[]) => {
        const [savedHs, savedGates, savedU] = saved as [tf.Tensor3D, tf.Tensor3D, tf.Tensor2D];
        const [dxg, du] = tf
          .engine()
          .runKernel(
            GruSequenceGrad,
            { dhs, hs: savedHs, gates: savedGates, recurrent: savedU },
            {},
          ) as unknown as tf.Tensor3D[];
        const [B, T, H] = savedHs.shape;
        // h_{t-1} for every step: the states shifted one step right, zeros first.
        const previous = tf.concat([tf.zeros([B, 1, H]), tf.slice(savedHs, [0, 0, 0], [B, T - 1, H])], 1);
        const du2 = tf.reshape(du, [B * T, 3 * H]);
        return [dxg, tf.matMul(tf.reshape(previous, [B * T, H]), du2, true, false), tf.sum(du2, 0)];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return op(xg, recurrent, recurrentBias) as tf.Tensor3D;
}

/** gruSequence in stock ops (any backend; autodiff gives the gradients). */
export function gruSequenceReference(xg: tf.Tensor3D, recurrent: tf.Tensor2D, recurrentBias: tf.Tensor1D): tf.Tensor3D {
  return tf.tidy(() => {
    const [B, T, H3] = xg.shape;
    const H = H3 / 3;
    let h: tf.Tensor2D = tf.zeros([B, H]);
    const states: tf.Tensor2D[] = [];
    for (let t = 0; t < T; t++) {
      const a = tf.reshape(tf.slice(xg, [0, t, 0], [B, 1, H3]), [B, H3]);
      const u = tf.add(tf.matMul(h, recurrent), recurrentBias);
      const [az, ar, an] = tf.split(a, 3, 1);
      const [uz, ur, un] = tf.split(u, 3, 1);
      const z = tf.sigmoid(tf.add(az, uz));
      const r = tf.sigmoid(tf.add(ar, ur));
      const n = tf.tanh(tf.add(an, tf.mul(r, un)));
      h = tf.add(tf.mul(z, h), tf.mul(tf.sub(1, z), n));
      states.push(h);
    }
    return tf.stack(states, 1) as tf.Tensor3D;
  });
}

/** Per-row loss and "target is the arg-max" of sparseSoftmaxCrossEntropy. */
export interface RowLosses {
  /** float32 [N]: -log softmax(logits)[target], 0 for padding. */
  loss: tf.Tensor1D;
  /** float32 [N]: 1 where the target is the most likely class (0 for padding). */
  correct: tf.Tensor1D;
}

/**
 * Exact crossentropy of softmax(logits) against targets, -1 marking padding (loss and gradient
 * 0). On wasm and cpu the project's kernels read p[target] and write p − onehot in one pass each
 * after the backend's own softmax; elsewhere stock ops (log-softmax). Differentiable in `logits`.
 * @param logits float32 [N, V] @param targets int32 [N]
 */
export function sparseSoftmaxCrossEntropy(logits: tf.Tensor2D, targets: tf.Tensor1D): RowLosses {
  if (!hasKernel(SparseCrossEntropy)) return sparseSoftmaxCrossEntropyReference(logits, targets);
  let correct: tf.Tensor1D | undefined;
  const op = tf.customGrad(((x: tf.Tensor2D, save: tf.GradSaveFunc) => {
    const probs = tf.softmax(x);
    const [loss, right] = tf
      .engine()
      .runKernel(SparseCrossEntropy, { logits: x, probs, targets }, {}) as unknown as tf.Tensor1D[];
    correct = tf.keep(right);
    save([probs]);
    return {
      value: loss,
      gradFunc: (dy: tf.Tensor1D, saved: tf.Tensor[]) =>
        tf.engine().runKernel<tf.Tensor2D>(SparseCrossEntropyGrad, { probs: saved[0], targets, dy }, {}),
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  const loss = op(logits) as tf.Tensor1D;
  return { loss, correct: correct! };
}

/** sparseSoftmaxCrossEntropy in stock ops. */
export function sparseSoftmaxCrossEntropyReference(logits: tf.Tensor2D, targets: tf.Tensor1D): RowLosses {
  return tf.tidy(() => {
    const V = logits.shape[1];
    const valid = tf.cast(tf.greaterEqual(targets, 0), "float32");
    const safe = tf.maximum<tf.Tensor1D>(targets, tf.scalar(0, "int32"));
    const logProbs = tf.logSoftmax(logits);
    const picked = tf.sum(tf.mul(logProbs, tf.oneHot(safe, V)), 1);
    const loss = tf.mul<tf.Tensor1D>(tf.neg(picked), valid);
    const best = tf.max(logits, 1);
    const own = tf.sum(tf.mul(logits, tf.oneHot(safe, V)), 1);
    const correct = tf.mul<tf.Tensor1D>(tf.cast(tf.greaterEqual(own, best), "float32"), valid);
    return { loss, correct };
  });
}
