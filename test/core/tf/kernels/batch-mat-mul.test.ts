import { describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../../../../core/tf/backend.ts";
import { wasmBatchMatMulOverStock } from "../../../../core/tf/kernels/batch-mat-mul.ts";
import { maxAbsDiff, randomFloats, randomInt, seededRandom } from "../random.ts";

interface Case {
  aShape: number[];
  bShape: number[];
  ta: boolean;
  tb: boolean;
  a: Float32Array;
  b: Float32Array;
  w: Float32Array;
}

/** Product, dA and dB of Σ(matMul(a, b)·w) on the current backend. */
function run(c: Case): Float32Array[] {
  return tf.tidy(() => {
    const a = tf.tensor(c.a, c.aShape);
    const b = tf.tensor(c.b, c.bShape);
    const product = tf.matMul(a, b, c.ta, c.tb);
    const w = tf.tensor(c.w, product.shape);
    const [da, db] = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(tf.matMul(x, y, c.ta, c.tb), w)))([a, b]);
    return [product, da, db].map((t) => t.dataSync().slice() as Float32Array);
  });
}

function randomCase(rand: () => number): Case {
  const [m, k, n] = [randomInt(rand, 1, 40), randomInt(rand, 1, 40), randomInt(rand, 1, 40)];
  const batch = rand() < 0.5 ? [] : [randomInt(rand, 1, 3)];
  const ta = rand() < 0.5;
  const tb = rand() < 0.5;
  const aShape = [...batch, ...(ta ? [k, m] : [m, k])];
  const bShape = [...batch, ...(tb ? [n, k] : [k, n])];
  const size = (s: number[]) => s.reduce((x, y) => x * y, 1);
  return {
    aShape,
    bShape,
    ta,
    tb,
    a: randomFloats(rand, size(aShape)),
    b: randomFloats(rand, size(bShape)),
    w: randomFloats(rand, size([...batch, m, n])),
  };
}

describe("BatchMatMul on wasm (transposed operands made contiguous)", () => {
  it("matches the stock cpu kernel, values and gradients, on random shapes and all transpose flags", async () => {
    const rand = seededRandom(11);
    const cases = Array.from({ length: 40 }, () => randomCase(rand));
    // Every flag combination must be among them.
    for (const [ta, tb] of [
      [false, false],
      [true, false],
      [false, true],
      [true, true],
    ]) {
      expect(cases.some((c) => c.ta === ta && c.tb === tb)).toBe(true);
    }
    await initBackend({ preference: "cpu" });
    const want = cases.map(run);
    await initBackend({ preference: "wasm" });
    // The project's kernel, not the stock one, is what tf.matMul reaches on wasm.
    expect(tf.getKernel("BatchMatMul", "wasm").kernelFunc.name).toBe("transposeFirstBatchMatMul");
    cases.forEach((c, i) => {
      const got = run(c);
      got.forEach((g, j) => expect(maxAbsDiff(g, want[i][j]), `case ${i} output ${j}`).toBeLessThan(1e-4));
    });
  });

  it("makes transposed operands contiguous and calls the stock product without transposes", () => {
    const calls: string[] = [];
    const info = (id: string, shape: number[]) => ({ dataId: { id }, shape, dtype: "float32" as const });
    const stockMatMul = {
      kernelName: "BatchMatMul",
      backendName: "wasm",
      kernelFunc: ({
        inputs,
        attrs,
      }: {
        inputs: { a: { dataId: { id: string } }; b: { dataId: { id: string } } };
        attrs: { transposeA: boolean; transposeB: boolean };
      }) => {
        calls.push(`matMul(${inputs.a.dataId.id}, ${inputs.b.dataId.id}, ${attrs.transposeA}, ${attrs.transposeB})`);
        return info("product", [2, 2]);
      },
    } as unknown as tf.KernelConfig;
    const stockTranspose = {
      kernelName: "Transpose",
      backendName: "wasm",
      kernelFunc: ({ inputs, attrs }: { inputs: { x: { dataId: { id: string } } }; attrs: { perm: number[] } }) => {
        calls.push(`transpose(${inputs.x.dataId.id}, [${attrs.perm}])`);
        return info(`${inputs.x.dataId.id}T`, [2, 2]);
      },
    } as unknown as tf.KernelConfig;
    const disposed: string[] = [];
    const backend = { disposeData: (dataId: { id: string }) => disposed.push(dataId.id) };
    const ours = wasmBatchMatMulOverStock(stockMatMul, stockTranspose);
    const run = (transposeA: boolean, transposeB: boolean) =>
      ours.kernelFunc({
        inputs: { a: info("a", [1, 2, 2]), b: info("b", [1, 2, 2]) },
        attrs: { transposeA, transposeB },
        backend,
      });
    run(false, false);
    run(true, true);
    expect(calls).toEqual([
      "matMul(a, b, false, false)",
      "transpose(a, [0,2,1])",
      "transpose(b, [0,2,1])",
      "matMul(aT, bT, false, false)",
    ]);
    expect(disposed).toEqual(["aT", "bT"]);
  });

  it("leaves no tensors or wasm buffers behind", async () => {
    await initBackend({ preference: "wasm" });
    const a = tf.ones([3, 5]);
    const b = tf.ones([4, 5]);
    const before = tf.memory().numTensors;
    const dataIdsBefore = tf.engine().backend.numDataIds();
    tf.matMul(a, b, false, true).dispose();
    const c = tf.ones([3, 4]);
    const withC = tf.memory().numTensors;
    tf.matMul(a, c, true, false).dispose();
    expect(tf.memory().numTensors).toBe(withC);
    c.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(tf.engine().backend.numDataIds()).toBe(dataIdsBefore);
    tf.dispose([a, b]);
  });
});
