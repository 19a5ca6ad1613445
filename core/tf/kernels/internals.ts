import type { DataId, DataType, TensorInfo } from "@tensorflow/tfjs";

/** The parts of the wasm backend (tfjs-backend-wasm 4.22 BackendWasm) our kernels use. */
export interface WasmBackendInternals {
  makeOutput(shape: number[], dtype: DataType): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array | Int32Array | Uint8Array;
  disposeData(dataId: DataId): boolean;
}

/** The parts of the cpu backend (tfjs-backend-cpu 4.22 MathBackendCPU) our kernels use. */
export interface CpuBackendInternals {
  data: { get(dataId: DataId): { values: unknown } };
  makeTensorInfo(shape: number[], dtype: DataType, values: Float32Array | Int32Array): TensorInfo;
}
