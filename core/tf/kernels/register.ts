import * as tf from "@tensorflow/tfjs";
import { cpuUnsortedSegmentSum, wasmUnsortedSegmentSum } from "./unsorted-segment-sum.ts";
import { wasmBatchMatMulOverStock } from "./batch-mat-mul.ts";
import { wasmSumOverStock } from "./sum-leading.ts";
import { wasmGatherOverStock } from "./gather-rows.ts";
import { SoftmaxCrossEntropy, webgpuSoftmaxCrossEntropyKernel } from "./softmax-cross-entropy.ts";
import { gruSequenceKernels } from "./gru-sequence.ts";
import { sparseCrossEntropyKernels } from "./sparse-cross-entropy.ts";

/** The sequence model's kernels (fused GRU, exact crossentropy), on wasm and cpu alike. */
function registerSequenceKernels(backendName: "wasm" | "cpu", names: string[]): void {
  for (const config of [...gruSequenceKernels(backendName), ...sparseCrossEntropyKernels(backendName)]) {
    replaceKernel(config);
    names.push(config.kernelName);
  }
}

/** Backends (of this module instance) whose kernels are already ours, with their names. */
const registered = new Map<string, string[]>();

/** Replaces (or adds) one kernel of a backend. */
function replaceKernel(config: tf.KernelConfig): void {
  if (tf.getKernel(config.kernelName, config.backendName)) tf.unregisterKernel(config.kernelName, config.backendName);
  tf.registerKernel(config);
}

/**
 * Registers the project's kernels on `backendName` ("wasm", "webgpu" or "cpu"; others are left alone).
 * Idempotent. Call after the backend is initialised, so the stock kernels we wrap have run
 * their setup.
 * @returns the names of the kernels registered
 */
export function registerProjectKernels(backendName: string): string[] {
  const done = registered.get(backendName);
  if (done) return done;
  const names: string[] = [];
  if (backendName === "wasm") {
    replaceKernel(wasmUnsortedSegmentSum);
    names.push(tf.UnsortedSegmentSum);
    const stockMatMul = tf.getKernel(tf.BatchMatMul, "wasm");
    const stockTranspose = tf.getKernel(tf.Transpose, "wasm");
    if (stockMatMul && stockTranspose) {
      replaceKernel(wasmBatchMatMulOverStock(stockMatMul, stockTranspose));
      names.push(tf.BatchMatMul);
    }
    const stockSum = tf.getKernel(tf.Sum, "wasm");
    if (stockSum) {
      replaceKernel(wasmSumOverStock(stockSum));
      names.push(tf.Sum);
    }
    const stockGather = tf.getKernel(tf.GatherV2, "wasm");
    if (stockGather) {
      replaceKernel(wasmGatherOverStock(stockGather));
      names.push(tf.GatherV2);
    }
    registerSequenceKernels("wasm", names);
  } else if (backendName === "webgpu") {
    replaceKernel(webgpuSoftmaxCrossEntropyKernel);
    names.push(SoftmaxCrossEntropy);
  } else if (backendName === "cpu") {
    replaceKernel(cpuUnsortedSegmentSum);
    names.push(tf.UnsortedSegmentSum);
    registerSequenceKernels("cpu", names);
  }
  registered.set(backendName, names);
  return names;
}
