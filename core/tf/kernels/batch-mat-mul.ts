import { BatchMatMul, type KernelConfig, type KernelFunc, type TensorInfo } from "@tensorflow/tfjs";
import type { WasmBackendInternals } from "./internals.ts";

interface Args {
  inputs: { a: TensorInfo; b: TensorInfo };
  attrs: { transposeA: boolean; transposeB: boolean };
  backend: WasmBackendInternals;
}

/** Permutation swapping the last two axes of a rank-r tensor. */
const swapLastTwo = (rank: number): number[] => [...Array.from({ length: rank - 2 }, (_, i) => i), rank - 1, rank - 2];

/**
 * BatchMatMul on wasm with transposed operands made contiguous first. The stock kernel is
 * fast only without transposes (measured at 512×128×4707: ~35 GFLOP/s plain, ~3 GFLOP/s for
 * hᵀ@d and d@Wᵀ, the two products of a Dense layer's backward pass); a transpose costs one
 * memory pass, so transposing and then taking the fast path is ~10× faster.
 *
 * @param stock the wasm backend's own BatchMatMul config (whose setupFunc has run)
 * @param stockTranspose the wasm backend's Transpose config
 */
export function wasmBatchMatMulOverStock(stock: KernelConfig, stockTranspose: KernelConfig): KernelConfig {
  const matMul = stock.kernelFunc as unknown as (args: Args) => TensorInfo;
  const transpose = stockTranspose.kernelFunc as unknown as (args: {
    inputs: { x: TensorInfo };
    attrs: { perm: number[] };
    backend: WasmBackendInternals;
  }) => TensorInfo;

  // Named, so a test can tell this kernel from the stock one it replaces.
  const kernelFunc = function transposeFirstBatchMatMul(args: Args): TensorInfo {
    const {
      inputs: { a, b },
      attrs: { transposeA, transposeB },
      backend,
    } = args;
    if (!transposeA && !transposeB) return matMul(args);
    const contiguous = (x: TensorInfo) =>
      transpose({ inputs: { x }, attrs: { perm: swapLastTwo(x.shape.length) }, backend });
    const a2 = transposeA ? contiguous(a) : a;
    const b2 = transposeB ? contiguous(b) : b;
    try {
      return matMul({ inputs: { a: a2, b: b2 }, attrs: { transposeA: false, transposeB: false }, backend });
    } finally {
      if (a2 !== a) backend.disposeData(a2.dataId);
      if (b2 !== b) backend.disposeData(b2.dataId);
    }
  };
  return {
    kernelName: BatchMatMul,
    backendName: "wasm",
    setupFunc: stock.setupFunc,
    kernelFunc: kernelFunc as unknown as KernelFunc,
  };
}
