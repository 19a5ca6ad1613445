import { describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../../../../core/tf/backend.ts";
import { maxAbsDiff, randomFloats, randomInt, seededRandom } from "../random.ts";
import { expectWasmMatchesStockCpu } from "./against-stock-cpu.ts";

interface Case {
  shape: number[];
  axis: number[];
  keepDims: boolean;
  x: Float32Array;
  dtype: "float32" | "int32";
}

/** sum(x, axis) with its shape, and the gradient of Σ(sum(x, axis)·w) (w = 1, 2, 3, … over the output). */
function run(c: Case): { shape: number[]; values: Float32Array; grad: Float32Array } {
  return tf.tidy(() => {
    const x = tf.tensor(c.x, c.shape, c.dtype);
    const out = tf.sum(x, c.axis, c.keepDims);
    const w = tf.range(1, out.size + 1).reshape(out.shape);
    const grad =
      c.dtype === "float32"
        ? (tf
            .grad((t: tf.Tensor) => tf.sum(tf.mul(tf.sum(t, c.axis, c.keepDims), w)))(x)
            .dataSync() as Float32Array)
        : new Float32Array();
    return { shape: out.shape, values: Float32Array.from(out.dataSync()), grad: grad.slice() };
  });
}

function randomCase(rand: () => number): Case {
  const rank = randomInt(rand, 1, 4);
  const shape = Array.from({ length: rank }, () => randomInt(rand, 1, 9));
  // Mostly leading axes (the new path), sometimes any others (the stock path).
  const axis =
    rand() < 0.7
      ? Array.from({ length: randomInt(rand, 1, rank) }, (_, i) => i)
      : [...new Set(Array.from({ length: randomInt(rand, 1, rank) }, () => randomInt(rand, 0, rank - 1)))];
  const dtype = rand() < 0.15 ? "int32" : "float32";
  const x = randomFloats(
    rand,
    shape.reduce((a, b) => a * b, 1),
  ).map((v) => (dtype === "int32" ? Math.round(v * 10) : v));
  return { shape, axis: rand() < 0.2 ? axis.map((a) => a - rank) : axis, keepDims: rand() < 0.3, x, dtype };
}

describe("Sum on wasm (leading axes summed in place)", () => {
  it("matches the stock cpu kernel on random shapes, axes, keepDims and dtypes, with gradients", async () => {
    const rand = seededRandom(5);
    const cases = Array.from({ length: 60 }, () => randomCase(rand));
    await expectWasmMatchesStockCpu(cases, run, { values: 1e-4, grad: 1e-5 });
  });

  it("sums a [512, 4707] gradient over the batch like the stock path", async () => {
    await initBackend({ preference: "wasm" });
    const rand = seededRandom(9);
    const x = tf.tensor2d(randomFloats(rand, 512 * 4707), [512, 4707]);
    const viaTranspose = tf.sum(tf.transpose(x), 1); // reduction over the innermost axis: stock path
    const direct = tf.sum(x, 0);
    expect(maxAbsDiff(direct.dataSync(), viaTranspose.dataSync())).toBeLessThan(1e-3);
    tf.dispose([x, viaTranspose, direct]);
  });
});
