import { describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../../../../core/tf/backend.ts";
import { cpuUnsortedSegmentSum, wasmUnsortedSegmentSum } from "../../../../core/tf/kernels/unsorted-segment-sum.ts";
import { maxAbsDiff, randomFloats, randomInt, seededRandom } from "../random.ts";

/** Reference without UnsortedSegmentSum: oneHot(ids)ᵀ @ x (out-of-range ids give zero rows). */
function reference(
  x: Float32Array,
  xShape: number[],
  ids: Int32Array,
  idsRank: number,
  numSegments: number,
): Float32Array {
  return tf.tidy(() => {
    const rows = xShape.slice(0, idsRank).reduce((a, b) => a * b, 1);
    const x2 = tf.tensor2d(x, [rows, x.length / rows]);
    // oneHot needs depth ≥ 2: take one spare column and drop it.
    const oneHot = tf
      .oneHot(tf.tensor1d(ids, "int32"), numSegments + 1)
      .toFloat()
      .slice([0, 0], [rows, numSegments]);
    return tf.matMul(oneHot, x2, true, false).dataSync() as Float32Array;
  });
}

describe.each(["wasm", "cpu"] as const)("UnsortedSegmentSum on %s", (backend) => {
  it("registers the project kernel", async () => {
    await initBackend({ preference: backend });
    expect(tf.getBackend()).toBe(backend);
    const ours = backend === "wasm" ? wasmUnsortedSegmentSum : cpuUnsortedSegmentSum;
    expect(tf.getKernel("UnsortedSegmentSum", backend)?.kernelFunc).toBe(ours.kernelFunc);
  });

  it("matches oneHotᵀ·x on random shapes, ranks and out-of-range ids", async () => {
    await initBackend({ preference: backend });
    const rand = seededRandom(backend === "wasm" ? 1 : 2);
    for (let trial = 0; trial < 30; trial++) {
      const idsShape = Array.from({ length: randomInt(rand, 1, 2) }, () => randomInt(rand, 1, 7));
      const inner = Array.from({ length: randomInt(rand, 0, 2) }, () => randomInt(rand, 1, 6));
      const xShape = [...idsShape, ...inner];
      const numSegments = randomInt(rand, 1, 12);
      const nIds = idsShape.reduce((a, b) => a * b, 1);
      const ids = Int32Array.from({ length: nIds }, () => randomInt(rand, -2, numSegments + 1));
      const x = randomFloats(
        rand,
        xShape.reduce((a, b) => a * b, 1),
      );
      const got = tf.tidy(() => {
        const out = tf.unsortedSegmentSum(
          tf.tensor(x, xShape),
          tf.tensor<tf.Rank>(ids, idsShape, "int32") as tf.Tensor1D,
          numSegments,
        );
        expect(out.shape).toEqual([numSegments, ...inner]);
        return out.dataSync().slice();
      });
      const want = reference(x, xShape, ids, idsShape.length, numSegments);
      expect(maxAbsDiff(got, want)).toBeLessThan(1e-5);
    }
  });

  it("sums int32 values exactly", async () => {
    await initBackend({ preference: backend });
    const out = tf.unsortedSegmentSum(
      tf.tensor2d(
        [
          [1, 2],
          [3, 4],
          [5, 6],
        ],
        [3, 2],
        "int32",
      ),
      tf.tensor1d([2, 0, 2], "int32"),
      3,
    );
    expect(out.dtype).toBe("int32");
    expect(Array.from(out.dataSync())).toEqual([3, 4, 0, 0, 6, 8]);
    out.dispose();
  });

  it("gives tf.gather (the embedding lookup) the right gradient", async () => {
    await initBackend({ preference: backend });
    const rand = seededRandom(7);
    const [vocab, dim, batch, len] = [37, 5, 9, 4];
    const params = randomFloats(rand, vocab * dim);
    const idx = Int32Array.from({ length: batch * len }, () => randomInt(rand, 0, vocab - 1));
    const weights = randomFloats(rand, batch * len * dim);
    const grad = tf.tidy(() => {
      const w = tf.tensor3d(weights, [batch, len, dim]);
      const indices = tf.tensor2d(idx, [batch, len], "int32");
      const g = tf.grad((p: tf.Tensor) => tf.sum(tf.mul(tf.gather(p, indices), w)))(tf.tensor2d(params, [vocab, dim]));
      expect(g.shape).toEqual([vocab, dim]);
      return g.dataSync().slice();
    });
    // d/dp Σ gather(p, idx)·w: row v collects the weights of every position that looked up v.
    const want = new Float32Array(vocab * dim);
    idx.forEach((v, i) => {
      for (let j = 0; j < dim; j++) want[v * dim + j] += weights[i * dim + j];
    });
    expect(maxAbsDiff(grad, want)).toBeLessThan(1e-5);
  });

  it("handles an embedding gradient of the real model's size in well under a second", async () => {
    // Not a speed goal (that is the bench): it guards against falling back to the stock
    // cpu kernel, which takes minutes on this shape.
    await initBackend({ preference: backend });
    const [vocab, dim, rows] = [4707, 100, 2048];
    const out = tf.tidy(() =>
      tf.unsortedSegmentSum(
        tf.ones([rows, dim]),
        tf.tensor1d(
          Int32Array.from({ length: rows }, (_, i) => (i * 7) % vocab),
          "int32",
        ),
        vocab,
      ),
    );
    const sums = out.sum().dataSync()[0];
    out.dispose();
    expect(sums).toBe(rows * dim);
  });
});
