import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../../../../core/tf/backend.ts";
import { crossEntropy } from "../../../../core/model/gradients.ts";
import {
  fusedSoftmaxCrossEntropy,
  hasFusedSoftmaxCrossEntropy,
} from "../../../../core/tf/kernels/softmax-cross-entropy.ts";
import { maxAbsDiff, randomFloats, seededRandom } from "../random.ts";
import { webgpuUnavailable } from "../../../helpers/webgpu.ts";

const unavailable = await webgpuUnavailable();
if (unavailable) console.warn(unavailable);

interface Case {
  rows: number;
  cols: number;
  scale: number;
}
// Widths below, at and above both workgroup sizes (64, and 256 from 4096 columns); a large scale clips some rows.
const CASES: Case[] = [
  { rows: 1, cols: 2, scale: 1 },
  { rows: 7, cols: 64, scale: 3 },
  { rows: 4, cols: 4100, scale: 1 },
  { rows: 6, cols: 50, scale: 40 },
];

function inputs(c: Case, i: number) {
  const rand = seededRandom(100 + i);
  const logits = randomFloats(rand, c.rows * c.cols).map((v) => v * c.scale);
  const targets = Int32Array.from({ length: c.rows }, () => Math.floor(rand() * c.cols));
  const dy = randomFloats(rand, c.rows);
  return { logits, targets, dy };
}

/** Loss per row and d(Σ dy·loss)/d logits, through `lossOf`. */
async function run(c: Case, i: number, lossOf: (logits: tf.Tensor2D, targets: tf.Tensor1D) => tf.Tensor1D) {
  const x = inputs(c, i);
  const logits = tf.tensor2d(x.logits, [c.rows, c.cols]);
  const targets = tf.tensor1d(x.targets, "int32");
  const dy = tf.tensor1d(x.dy);
  const { value, grad } = tf.valueAndGrad((l: tf.Tensor) => lossOf(l as tf.Tensor2D, targets))(logits, dy);
  const out = {
    shape: value.shape,
    values: (await value.data()) as Float32Array,
    grad: (await grad.data()) as Float32Array,
  };
  tf.dispose([logits, targets, dy, value, grad]);
  return out;
}

describe.skipIf(unavailable)("fused softmax crossentropy on webgpu", () => {
  beforeAll(async () => {
    await initBackend({ preference: "cpu" });
  });

  it("matches the stock cpu ops (softmax, one-hot, clip, log) in values and gradients", async () => {
    const want = [];
    for (const [i, c] of CASES.entries()) want.push(await run(c, i, (l, t) => crossEntropy(tf.softmax(l), t)));
    await initBackend({ preference: "webgpu" });
    expect(hasFusedSoftmaxCrossEntropy()).toBe(true);
    for (const [i, c] of CASES.entries()) {
      const got = await run(c, i, fusedSoftmaxCrossEntropy);
      expect(got.shape, `case ${i}`).toEqual(want[i].shape);
      expect(maxAbsDiff(got.values, want[i].values), `case ${i}`).toBeLessThan(2e-5);
      expect(maxAbsDiff(got.grad, want[i].grad), `case ${i} grad`).toBeLessThan(2e-6);
    }
    // The clipped case really clips: some rows have a zero gradient.
    const clipped = want.at(-1)!.values.filter((v) => Math.abs(v - -Math.log(1e-7)) < 1e-3).length;
    expect(clipped).toBeGreaterThan(0);
  });

  it("is not registered on the cpu backend (the stock ops serve there)", async () => {
    await initBackend({ preference: "cpu" });
    expect(hasFusedSoftmaxCrossEntropy()).toBe(false);
  });
});
