import { GatherV2, util, type KernelConfig, type KernelFunc, type TensorInfo } from "@tensorflow/tfjs";
import type { WasmBackendInternals } from "./internals.ts";

interface Args {
  inputs: { x: TensorInfo; indices: TensorInfo };
  attrs: { axis: number; batchDims: number };
  backend: WasmBackendInternals;
}

/**
 * out row i = x row indices[i]. Throws on an index outside [0, rows), as the stock kernels do.
 * @param x [rows * rowSize] @param out [indices.length * rowSize]
 */
export function gatherRowsInto(
  out: Float32Array | Int32Array,
  x: Float32Array | Int32Array,
  indices: Int32Array,
  rowSize: number,
  rows: number,
): void {
  for (let i = 0; i < indices.length; i++) {
    const row = indices[i];
    if (row < 0 || row >= rows) throw new Error(`GatherV2: the index value ${row} is not in [0, ${rows - 1}]`);
    out.set(x.subarray(row * rowSize, (row + 1) * rowSize), i * rowSize);
  }
}

/**
 * GatherV2 on wasm with a direct path for the embedding lookup (axis 0, no batch dims): one
 * block copy per index. The stock kernel costs ~1 ms to gather 128 rows of 384 floats (~40× a
 * copy), which dominated a sampling step; every other case goes to it.
 */
export function wasmGatherOverStock(stock: KernelConfig): KernelConfig {
  const stockGather = stock.kernelFunc as unknown as (args: Args) => TensorInfo;
  const kernelFunc = (args: Args): TensorInfo => {
    const {
      inputs: { x, indices },
      attrs,
      backend,
    } = args;
    const axis = util.parseAxisParam(attrs.axis, x.shape)[0];
    const fast =
      axis === 0 &&
      (attrs.batchDims ?? 0) === 0 &&
      indices.dtype === "int32" &&
      (x.dtype === "float32" || x.dtype === "int32") &&
      x.shape.length >= 1;
    if (!fast) return stockGather(args);
    const inner = x.shape.slice(1);
    const out = backend.makeOutput([...indices.shape, ...inner], x.dtype);
    gatherRowsInto(
      backend.typedArrayFromHeap(out) as Float32Array | Int32Array,
      backend.typedArrayFromHeap(x) as Float32Array | Int32Array,
      backend.typedArrayFromHeap(indices) as Int32Array,
      util.sizeFromShape(inner),
      x.shape[0],
    );
    return out;
  };
  return {
    kernelName: GatherV2,
    backendName: "wasm",
    setupFunc: stock.setupFunc,
    kernelFunc: kernelFunc as unknown as KernelFunc,
  };
}
