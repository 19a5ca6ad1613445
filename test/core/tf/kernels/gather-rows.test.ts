import { describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../../../../core/tf/backend.ts";
import { randomFloats, randomInt, seededRandom } from "../random.ts";
import { expectWasmMatchesStockCpu } from "./against-stock-cpu.ts";

interface Case {
  shape: number[];
  indicesShape: number[];
  axis: number;
  x: Float32Array;
  indices: Int32Array;
  dtype: "float32" | "int32";
}

/** gather(x, indices, axis) and the gradient of Σ(gather·w) (w = 1, 2, 3, …) on the current backend. */
function run(c: Case): { shape: number[]; values: Float32Array; grad: Float32Array } {
  return tf.tidy(() => {
    const x = tf.tensor(c.x, c.shape, c.dtype);
    const indices = tf.tensor(c.indices, c.indicesShape, "int32");
    const out = tf.gather(x, indices, c.axis);
    const w = tf.range(1, out.size + 1).reshape(out.shape);
    const grad =
      c.dtype === "float32"
        ? (
            tf
              .grad((t: tf.Tensor) => tf.sum(tf.mul(tf.gather(t, indices, c.axis), w)))(x)
              .dataSync() as Float32Array
          ).slice()
        : new Float32Array();
    return { shape: out.shape, values: Float32Array.from(out.dataSync()), grad };
  });
}

function randomCase(rand: () => number): Case {
  const shape = Array.from({ length: randomInt(rand, 1, 3) }, () => randomInt(rand, 1, 8));
  const axis = rand() < 0.7 ? 0 : randomInt(rand, 0, shape.length - 1);
  const indicesShape = Array.from({ length: randomInt(rand, 1, 2) }, () => randomInt(rand, 1, 6));
  const dtype = rand() < 0.2 ? "int32" : "float32";
  const x = randomFloats(
    rand,
    shape.reduce((a, b) => a * b, 1),
  ).map((v) => (dtype === "int32" ? Math.round(v * 50) : v));
  const indices = Int32Array.from({ length: indicesShape.reduce((a, b) => a * b, 1) }, () =>
    randomInt(rand, 0, shape[axis] - 1),
  );
  return { shape, indicesShape, axis, x, indices, dtype };
}

describe("GatherV2 on wasm (row copies for axis 0)", () => {
  it("matches the stock cpu kernel on random shapes, axes and dtypes, with gradients", async () => {
    const rand = seededRandom(21);
    const cases = Array.from({ length: 60 }, () => randomCase(rand));
    await expectWasmMatchesStockCpu(cases, run, { values: 0, grad: 1e-4 });
  });

  it("rejects an index outside the table", async () => {
    await initBackend({ preference: "wasm" });
    const table = tf.ones([5, 3]);
    expect(() => tf.gather(table, tf.tensor1d([1, 5], "int32"))).toThrow(/index value 5 is not in \[0, 4\]/);
    table.dispose();
  });
});
