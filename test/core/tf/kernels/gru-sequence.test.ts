import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { initBackend } from "../../../../core/tf/backend.ts";
import { GruSequence } from "../../../../core/tf/kernels/gru-sequence.ts";
import { gruSequence, gruSequenceReference } from "../../../../core/model/sequence-ops.ts";
import { maxAbsDiff, randomFloats, seededRandom } from "../random.ts";

interface Case {
  B: number;
  T: number;
  H: number;
  /** Spread of the inputs: large ones saturate the gates. */
  scale: number;
}
const CASES: Case[] = [
  { B: 1, T: 1, H: 1, scale: 1 },
  { B: 3, T: 7, H: 5, scale: 1 },
  { B: 2, T: 40, H: 16, scale: 0.5 },
  { B: 4, T: 6, H: 3, scale: 4 },
];

interface Run {
  values: Float32Array;
  grads: Float32Array[];
}

/** The GRU's states and the gradients of Σ w ⊙ states to its three inputs, through `op`. */
function run(c: Case, i: number, op: typeof gruSequence): Run {
  const rand = seededRandom(500 + i);
  const xg = tf.tensor3d(
    randomFloats(rand, c.B * c.T * 3 * c.H).map((v) => v * c.scale),
    [c.B, c.T, 3 * c.H],
  );
  const u = tf.tensor2d(
    randomFloats(rand, c.H * 3 * c.H).map((v) => v * c.scale),
    [c.H, 3 * c.H],
  );
  const bu = tf.tensor1d(randomFloats(rand, 3 * c.H));
  const w = tf.tensor3d(randomFloats(rand, c.B * c.T * c.H), [c.B, c.T, c.H]);
  const f = (x: tf.Tensor, r: tf.Tensor, b: tf.Tensor) =>
    tf.sum(tf.mul(op(x as tf.Tensor3D, r as tf.Tensor2D, b as tf.Tensor1D), w));
  const values = op(xg, u, bu);
  const grads = tf.grads(f)([xg, u, bu]);
  const out = {
    values: values.dataSync() as Float32Array,
    grads: grads.map((g) => g.dataSync() as Float32Array),
  };
  tf.dispose([xg, u, bu, w, values, ...grads]);
  return out;
}

describe("fused GRU sequence kernels", () => {
  it("match the stock cpu ops step by step, in values and in the gradients to all three inputs (wasm and cpu)", async () => {
    await initBackend({ preference: "cpu" });
    const want = CASES.map((c, i) => run(c, i, gruSequenceReference));
    for (const backend of ["cpu", "wasm"] as const) {
      await initBackend({ preference: backend });
      expect(tf.getKernel(GruSequence, backend), backend).toBeDefined();
      CASES.forEach((c, i) => {
        const got = run(c, i, gruSequence);
        expect(maxAbsDiff(got.values, want[i].values), `${backend} case ${i}`).toBeLessThan(1e-5);
        got.grads.forEach((g, k) =>
          expect(maxAbsDiff(g, want[i].grads[k]), `${backend} case ${i} grad ${k}`).toBeLessThan(1e-4),
        );
      });
    }
  });

  it("is what the model trains through: the states depend only on the steps before (causal)", async () => {
    await initBackend({ preference: "wasm" });
    const rand = seededRandom(7);
    const [B, T, H] = [2, 9, 4];
    const xg = randomFloats(rand, B * T * 3 * H);
    const u = tf.tensor2d(randomFloats(rand, H * 3 * H), [H, 3 * H]);
    const bu = tf.tensor1d(randomFloats(rand, 3 * H));
    const changed = xg.slice();
    for (let b = 0; b < B; b++) changed.fill(9, (b * T + 6) * 3 * H, (b * T + 7) * 3 * H); // step 6 only
    const a = gruSequence(tf.tensor3d(xg, [B, T, 3 * H]), u, bu).arraySync();
    const b = gruSequence(tf.tensor3d(changed, [B, T, 3 * H]), u, bu).arraySync();
    for (let row = 0; row < B; row++) {
      expect(b[row].slice(0, 6)).toEqual(a[row].slice(0, 6));
      expect(b[row][6]).not.toEqual(a[row][6]);
    }
  });
});
