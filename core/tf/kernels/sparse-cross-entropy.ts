import type { KernelConfig, KernelFunc, TensorInfo } from "@tensorflow/tfjs";
import type { CpuBackendInternals, WasmBackendInternals } from "./internals.ts";

/**
 * Exact crossentropy of softmax(logits) against integer targets, a target of -1 being padding
 * (loss 0, gradient 0). The softmax itself is the backend's stock kernel (vectorised on wasm);
 * these kernels only read p[target] and write the gradient p − onehot, each in one pass:
 *   OracleSparseCrossEntropy     {logits [N, V], probs [N, V], targets [N]} → [loss [N], correct [N]]
 *   OracleSparseCrossEntropyGrad {probs [N, V], targets [N], dy [N]}       → [d logits [N, V]]
 * `correct` is 1 where the target is (one of) the row's most likely classes.
 */
export const SparseCrossEntropy = "OracleSparseCrossEntropy";
export const SparseCrossEntropyGrad = "OracleSparseCrossEntropyGrad";

/** Below this p[target] the loss is recomputed from the logits (log-sum-exp), as p underflows in float32. */
const UNDERFLOW = 1e-30;

/** Per-row loss and whether the target is the arg-max. */
function sparseCrossEntropyInto(
  loss: Float32Array,
  correct: Float32Array,
  logits: ArrayLike<number>,
  probs: ArrayLike<number>,
  targets: ArrayLike<number>,
  V: number,
): void {
  for (let i = 0; i < loss.length; i++) {
    const t = targets[i];
    if (t < 0) {
      loss[i] = 0;
      correct[i] = 0;
      continue;
    }
    const row = i * V;
    const p = probs[row + t];
    if (p > UNDERFLOW) {
      loss[i] = -Math.log(p);
    } else {
      let max = -Infinity;
      for (let j = 0; j < V; j++) max = Math.max(max, logits[row + j]);
      let sum = 0;
      for (let j = 0; j < V; j++) sum += Math.exp(logits[row + j] - max);
      loss[i] = max + Math.log(sum) - logits[row + t];
    }
    // Most rows leave this loop early: some class is likelier than the target.
    let best = 1;
    for (let j = 0; j < V; j++) {
      if (probs[row + j] > p) {
        best = 0;
        break;
      }
    }
    correct[i] = best;
  }
}

/** d logits = dy ⊙ (p − onehot(target)); padding rows 0. */
function sparseCrossEntropyGradInto(
  out: Float32Array,
  probs: ArrayLike<number>,
  targets: ArrayLike<number>,
  dy: ArrayLike<number>,
  V: number,
): void {
  for (let i = 0; i < targets.length; i++) {
    const t = targets[i];
    const row = i * V;
    if (t < 0) {
      out.fill(0, row, row + V);
      continue;
    }
    const scale = dy[i];
    for (let j = 0; j < V; j++) out[row + j] = scale * probs[row + j];
    out[row + t] -= scale;
  }
}

interface LossArgs {
  inputs: { logits: TensorInfo; probs: TensorInfo; targets: TensorInfo };
}
interface GradArgs {
  inputs: { probs: TensorInfo; targets: TensorInfo; dy: TensorInfo };
}

function wasmLoss({ inputs, backend }: LossArgs & { backend: WasmBackendInternals }): TensorInfo[] {
  const [N, V] = inputs.probs.shape as [number, number];
  // Allocate first: a heap growth would detach views taken earlier.
  const loss = backend.makeOutput([N], "float32");
  const correct = backend.makeOutput([N], "float32");
  const view = (t: TensorInfo) => backend.typedArrayFromHeap(t);
  sparseCrossEntropyInto(
    view(loss) as Float32Array,
    view(correct) as Float32Array,
    view(inputs.logits),
    view(inputs.probs),
    view(inputs.targets),
    V,
  );
  return [loss, correct];
}

function wasmGrad({ inputs, backend }: GradArgs & { backend: WasmBackendInternals }): TensorInfo {
  const [, V] = inputs.probs.shape as [number, number];
  const out = backend.makeOutput(inputs.probs.shape, "float32");
  const view = (t: TensorInfo) => backend.typedArrayFromHeap(t);
  sparseCrossEntropyGradInto(view(out) as Float32Array, view(inputs.probs), view(inputs.targets), view(inputs.dy), V);
  return out;
}

function cpuLoss({ inputs, backend }: LossArgs & { backend: CpuBackendInternals }): TensorInfo[] {
  const [N, V] = inputs.probs.shape as [number, number];
  const values = (t: TensorInfo) => backend.data.get(t.dataId).values as Float32Array | Int32Array;
  const loss = new Float32Array(N);
  const correct = new Float32Array(N);
  sparseCrossEntropyInto(loss, correct, values(inputs.logits), values(inputs.probs), values(inputs.targets), V);
  return [backend.makeTensorInfo([N], "float32", loss), backend.makeTensorInfo([N], "float32", correct)];
}

function cpuGrad({ inputs, backend }: GradArgs & { backend: CpuBackendInternals }): TensorInfo {
  const [N, V] = inputs.probs.shape as [number, number];
  const values = (t: TensorInfo) => backend.data.get(t.dataId).values as Float32Array | Int32Array;
  const out = new Float32Array(N * V);
  sparseCrossEntropyGradInto(out, values(inputs.probs), values(inputs.targets), values(inputs.dy), V);
  return backend.makeTensorInfo([N, V], "float32", out);
}

/** The crossentropy kernels of one backend (wasm or cpu). */
export const sparseCrossEntropyKernels = (backendName: "wasm" | "cpu"): KernelConfig[] => [
  {
    kernelName: SparseCrossEntropy,
    backendName,
    kernelFunc: (backendName === "wasm" ? wasmLoss : cpuLoss) as unknown as KernelFunc,
  },
  {
    kernelName: SparseCrossEntropyGrad,
    backendName,
    kernelFunc: (backendName === "wasm" ? wasmGrad : cpuGrad) as unknown as KernelFunc,
  },
];
