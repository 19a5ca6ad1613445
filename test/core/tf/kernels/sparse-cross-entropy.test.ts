import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { initBackend } from "../../../../core/tf/backend.ts";
import { SparseCrossEntropy } from "../../../../core/tf/kernels/sparse-cross-entropy.ts";
import { sparseSoftmaxCrossEntropy, sparseSoftmaxCrossEntropyReference } from "../../../../core/model/sequence-ops.ts";
import { maxAbsDiff, randomFloats, seededRandom } from "../random.ts";

interface Case {
  rows: number;
  cols: number;
  scale: number;
}
// Padding rows (-1) in every case; a scale of 60 makes p[target] underflow in float32 (exact log-sum-exp path).
const CASES: Case[] = [
  { rows: 2, cols: 2, scale: 1 },
  { rows: 9, cols: 64, scale: 3 },
  { rows: 5, cols: 4705, scale: 1 },
  { rows: 6, cols: 50, scale: 60 },
];

function run(c: Case, i: number, op: typeof sparseSoftmaxCrossEntropy) {
  const rand = seededRandom(900 + i);
  const logits = tf.tensor2d(
    randomFloats(rand, c.rows * c.cols).map((v) => v * c.scale),
    [c.rows, c.cols],
  );
  const targets = tf.tensor1d(
    Int32Array.from({ length: c.rows }, (_, r) => (r % 3 === 1 ? -1 : Math.floor(rand() * c.cols))),
    "int32",
  );
  const dy = tf.tensor1d(randomFloats(rand, c.rows));
  const rows = op(logits, targets);
  const grad = tf.grad((l: tf.Tensor) => op(l as tf.Tensor2D, targets).loss)(logits, dy);
  const out = {
    loss: rows.loss.dataSync() as Float32Array,
    correct: rows.correct.dataSync() as Float32Array,
    grad: grad.dataSync() as Float32Array,
  };
  tf.dispose([logits, targets, dy, rows.loss, rows.correct, grad]);
  return out;
}

describe("exact sparse softmax crossentropy kernels", () => {
  it("match the stock cpu ops (log-softmax, one-hot) in loss, arg-max hits and gradient, padding rows 0 (wasm and cpu)", async () => {
    await initBackend({ preference: "cpu" });
    const want = CASES.map((c, i) => run(c, i, sparseSoftmaxCrossEntropyReference));
    // Padding rows contribute nothing, and the large-scale case has a loss past float32's softmax.
    expect(want[1].loss[1]).toBe(0);
    expect(Math.max(...want[3].loss)).toBeGreaterThan(-Math.log(1e-30));
    for (const backend of ["cpu", "wasm"] as const) {
      await initBackend({ preference: backend });
      expect(tf.getKernel(SparseCrossEntropy, backend), backend).toBeDefined();
      CASES.forEach((c, i) => {
        const got = run(c, i, sparseSoftmaxCrossEntropy);
        const w = want[i];
        expect(maxAbsDiff(got.loss, w.loss) / Math.max(1, ...w.loss), `${backend} case ${i} loss`).toBeLessThan(1e-5);
        expect(got.correct, `${backend} case ${i} correct`).toEqual(w.correct);
        expect(maxAbsDiff(got.grad, w.grad), `${backend} case ${i} grad`).toBeLessThan(1e-5);
      });
    }
  });
});
