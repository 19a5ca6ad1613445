import { Sum, backend_util, util, type KernelConfig, type KernelFunc, type TensorInfo } from "@tensorflow/tfjs";
import type { WasmBackendInternals } from "./internals.ts";

interface Args {
  inputs: { x: TensorInfo };
  attrs: { axis: number | number[]; keepDims: boolean };
  backend: WasmBackendInternals;
}

/** True when `axes` (normalised, sorted) are exactly 0..k-1 for some 0 < k < rank. */
function leadingAxes(axes: number[], rank: number): boolean {
  return axes.length > 0 && axes.length < rank && axes.every((a, i) => a === i);
}

/**
 * Column sums: out[j] = Σ_i x[i·n + j].
 * @param x [rows * n]   @param out [n], overwritten
 */
export function sumRowsInto(out: Float32Array, x: Float32Array, rows: number, n: number): void {
  out.fill(0);
  for (let i = 0; i < rows; i++) {
    const base = i * n;
    for (let j = 0; j < n; j++) out[j] += x[base + j];
  }
}

/**
 * Sum on wasm, with a direct path for reductions over leading axes. The stock kernel first
 * transposes the reduced axes to the end (a full copy: ~15 ms for the Dense bias gradient, a
 * sum over the batch of a [512, 4707] tensor); summing rows in place reads the data once.
 * Every other case goes to the stock kernel.
 */
export function wasmSumOverStock(stock: KernelConfig): KernelConfig {
  const stockSum = stock.kernelFunc as unknown as (args: Args) => TensorInfo;
  const kernelFunc = (args: Args): TensorInfo => {
    const {
      inputs: { x },
      attrs: { axis, keepDims },
      backend,
    } = args;
    const rank = x.shape.length;
    const axes = util
      .parseAxisParam(axis, x.shape)
      .slice()
      .sort((a, b) => a - b);
    if (x.dtype !== "float32" || !leadingAxes(axes, rank)) return stockSum(args);
    const rows = util.sizeFromShape(x.shape.slice(0, axes.length));
    const inner = x.shape.slice(axes.length);
    const shape = keepDims ? backend_util.expandShapeToKeepDim(inner, axes) : inner;
    const out = backend.makeOutput(shape, "float32");
    sumRowsInto(
      backend.typedArrayFromHeap(out) as Float32Array,
      backend.typedArrayFromHeap(x) as Float32Array,
      rows,
      util.sizeFromShape(inner),
    );
    return out;
  };
  return {
    kernelName: Sum,
    backendName: "wasm",
    setupFunc: stock.setupFunc,
    kernelFunc: kernelFunc as unknown as KernelFunc,
  };
}
