import * as tf from "@tensorflow/tfjs";
import type { WasmBackendInternals } from "./kernels/internals.ts";

/**
 * The matrix products of one sampling pass, with operands in plain arrays. On wasm the
 * backend's own kernels are called directly on its heap (no engine dispatch, no tensor
 * bookkeeping, no copies out); on any other backend through tf ops.
 */
export interface Products {
  /**
   * a [rows, K] @ b [K, N].
   * @returns [rows, N], valid until the next call or release()
   */
  matMul(a: Float32Array, rows: number, b: tf.Tensor2D): Float32Array;
  /**
   * Row-wise softmax of a [rows, cols] (vectorised on wasm: far cheaper than Math.exp per entry).
   * @returns [rows, cols], valid until the next call or release()
   */
  softmax(a: Float32Array, rows: number, cols: number): Float32Array;
  /** Frees what the pass allocated. */
  release(): void;
}

type Kernel = (args: {
  inputs: Record<string, tf.TensorInfo>;
  attrs: Record<string, unknown>;
  backend: WasmBackendInternals;
}) => tf.TensorInfo;

/** Products on the wasm backend's heap, through its BatchMatMul kernel. */
function wasmProducts(): Products {
  const backend = tf.backend() as unknown as WasmBackendInternals;
  const matMulKernel = tf.getKernel(tf.BatchMatMul, "wasm").kernelFunc as unknown as Kernel;
  const softmaxKernel = tf.getKernel(tf.Softmax, "wasm").kernelFunc as unknown as Kernel;
  let owned: tf.TensorInfo[] = [];
  const heap = (t: tf.TensorInfo) => backend.typedArrayFromHeap(t) as Float32Array;
  const product = (a: Float32Array, rows: number, b: tf.Tensor2D): tf.TensorInfo => {
    const input = backend.makeOutput([rows, b.shape[0]], "float32");
    try {
      heap(input).set(a.subarray(0, rows * b.shape[0]));
      const out = matMulKernel({ inputs: { a: input, b }, attrs: { transposeA: false, transposeB: false }, backend });
      owned.push(out);
      return out;
    } finally {
      backend.disposeData(input.dataId);
    }
  };
  return {
    matMul: (a, rows, b) => heap(product(a, rows, b)),
    softmax(a, rows, cols) {
      const input = backend.makeOutput([rows, cols], "float32");
      try {
        heap(input).set(a.subarray(0, rows * cols));
        const out = softmaxKernel({ inputs: { logits: input }, attrs: { dim: 1 }, backend });
        owned.push(out);
        return heap(out);
      } finally {
        backend.disposeData(input.dataId);
      }
    },
    release() {
      for (const t of owned) backend.disposeData(t.dataId);
      owned = [];
    },
  };
}

/** A tensor's values, the tensor disposed (read outside tidy: tidy walks what it returns, element by element). */
function read(t: tf.Tensor): Float32Array {
  try {
    return t.dataSync() as Float32Array;
  } finally {
    t.dispose();
  }
}

/** Products through tf ops (any backend), results copied out. */
function opProducts(): Products {
  return {
    matMul: (a, rows, b) =>
      read(tf.tidy(() => tf.matMul(tf.tensor2d(a.subarray(0, rows * b.shape[0]), [rows, b.shape[0]]), b))),
    softmax: (a, rows, cols) => read(tf.tidy(() => tf.softmax(tf.tensor2d(a.subarray(0, rows * cols), [rows, cols])))),
    release() {},
  };
}

/**
 * Products for tensors on the current backend: direct wasm kernel calls when it is wasm and
 * `direct` is not false, tf ops otherwise.
 */
export function productsFor(direct = true): Products {
  const wasm = tf.getBackend() === "wasm" && tf.getKernel(tf.BatchMatMul, "wasm");
  return direct && wasm ? wasmProducts() : opProducts();
}
