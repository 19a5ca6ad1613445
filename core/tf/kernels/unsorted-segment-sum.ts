import { UnsortedSegmentSum, util, type KernelConfig, type KernelFunc, type TensorInfo } from "@tensorflow/tfjs";
import { segmentSumRows } from "./segment-sum.ts";
import type { CpuBackendInternals, WasmBackendInternals } from "./internals.ts";

interface Args {
  inputs: { x: TensorInfo; segmentIds: TensorInfo };
  attrs: { numSegments: number };
}

/** Output shape: [numSegments, ...x.shape after the segmentIds dims]. */
function outputShape(x: TensorInfo, segmentIds: TensorInfo, numSegments: number): { shape: number[]; rowSize: number } {
  const inner = x.shape.slice(segmentIds.shape.length);
  return { shape: [numSegments, ...inner], rowSize: util.sizeFromShape(inner) };
}

function checkDtypes(x: TensorInfo, segmentIds: TensorInfo): void {
  if (segmentIds.dtype !== "int32")
    throw new Error(`UnsortedSegmentSum: segmentIds must be int32, got ${segmentIds.dtype}`);
  if (x.dtype !== "float32" && x.dtype !== "int32") throw new Error(`UnsortedSegmentSum: unsupported dtype ${x.dtype}`);
}

/**
 * UnsortedSegmentSum on wasm (which has none): one pass over the heap views, O(x.size + output).
 * It is the gradient of tf.gather, so the embedding's gradient of a batch costs a few ms.
 */
const wasmKernel = (args: Args & { backend: WasmBackendInternals }): TensorInfo => {
  const {
    inputs: { x, segmentIds },
    attrs: { numSegments },
    backend,
  } = args;
  checkDtypes(x, segmentIds);
  const { shape, rowSize } = outputShape(x, segmentIds, numSegments);
  // Allocate first: a heap growth would detach views taken earlier.
  const out = backend.makeOutput(shape, x.dtype);
  const xs = backend.typedArrayFromHeap(x) as Float32Array | Int32Array;
  const ids = backend.typedArrayFromHeap(segmentIds) as Int32Array;
  segmentSumRows(backend.typedArrayFromHeap(out) as Float32Array | Int32Array, xs, ids, rowSize, numSegments);
  return out;
};

/** UnsortedSegmentSum on cpu: the stock one spends minutes per batch on an embedding gradient. */
const cpuKernel = (args: Args & { backend: CpuBackendInternals }): TensorInfo => {
  const {
    inputs: { x, segmentIds },
    attrs: { numSegments },
    backend,
  } = args;
  checkDtypes(x, segmentIds);
  const { shape, rowSize } = outputShape(x, segmentIds, numSegments);
  const values = x.dtype === "int32" ? new Int32Array(numSegments * rowSize) : new Float32Array(numSegments * rowSize);
  const xs = backend.data.get(x.dataId).values as Float32Array | Int32Array;
  const ids = Int32Array.from(backend.data.get(segmentIds.dataId).values as Int32Array);
  segmentSumRows(values, xs, ids, rowSize, numSegments);
  return backend.makeTensorInfo(shape, x.dtype, values);
};

export const wasmUnsortedSegmentSum: KernelConfig = {
  kernelName: UnsortedSegmentSum,
  backendName: "wasm",
  kernelFunc: wasmKernel as unknown as KernelFunc,
};
export const cpuUnsortedSegmentSum: KernelConfig = {
  kernelName: UnsortedSegmentSum,
  backendName: "cpu",
  kernelFunc: cpuKernel as unknown as KernelFunc,
};
