import * as tf from "@tensorflow/tfjs";
import type { DataType, KernelConfig, KernelFunc, TensorInfo } from "@tensorflow/tfjs";

/** The project's fused kernel: per-row crossentropy of softmax(logits) and its gradient, in one pass each. */
export const SoftmaxCrossEntropy = "OracleSoftmaxCrossEntropy";

/** Keras' epsilon, as crossEntropy clips with (core/model/gradients.ts). */
const EPSILON = 1e-7;

/** The parts of the webgpu backend (tfjs-backend-webgpu 4.22 WebGPUBackend) the kernel uses. */
interface WebgpuBackendInternals {
  runWebGPUProgram(program: object, inputs: TensorInfo[], outputDtype: DataType): TensorInfo;
}

/**
 * One workgroup per row: the row's max and sum of exponentials reduced in workgroup memory (as
 * tfjs' SoftmaxProgram does), then either the loss -log(clip(p[target])) (`loss`, output [B]) or
 * d loss / d logits = softmax - onehot(target), zero where Keras' clip cuts the gradient (`grad`, [B, V]).
 */
class SoftmaxCrossEntropyProgram {
  variableNames = ["logits", "targets"];
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number];

  constructor(
    private readonly part: "loss" | "grad",
    rows: number,
    cols: number,
  ) {
    this.outputShape = part === "loss" ? [rows] : [rows, cols];
    this.dispatchLayout = { x: this.outputShape.map((_, i) => i) };
    this.dispatch = [rows, 1, 1];
    this.workgroupSize = [cols >= 4096 ? 256 : 64, 1, 1];
    this.shaderKey = `oracleSoftmaxCrossEntropy_${part}`;
  }

  getUserCode(): string {
    const write =
      this.part === "loss"
        ? `if (tid == 0) { setOutputAtIndex(row, -log(clamp(pt, ${EPSILON}, ${1 - EPSILON}))); }`
        : `let clipped = pt < ${EPSILON} || pt > ${1 - EPSILON};
      for (var col = tid; col < cols; col += blockSize) {
        var g = 0.0;
        if (!clipped) { g = exp(getLogits(row, col) - rowMax) / rowSum - select(0.0, 1.0, col == label); }
        setOutputAtCoords(row, col, g);
      }`;
    return `
    var<workgroup> buf : array<f32, ${this.workgroupSize[0]}>;
    var<workgroup> rowMax : f32;
    var<workgroup> rowSum : f32;
    const blockSize = ${this.workgroupSize[0]};
    fn main(index : i32) {
      let row = index / blockSize;
      let tid = i32(localId.x);
      let cols = uniforms.logitsShape[1];
      var m = -3.402823e+38f;
      for (var col = tid; col < cols; col += blockSize) { m = max(m, getLogits(row, col)); }
      buf[tid] = m;
      workgroupBarrier();
      for (var s = blockSize >> 1; s > 0; s = s >> 1) {
        if (tid < s) { buf[tid] = max(buf[tid], buf[tid + s]); }
        workgroupBarrier();
      }
      if (tid == 0) { rowMax = buf[0]; }
      workgroupBarrier();
      var t = 0.0;
      for (var col = tid; col < cols; col += blockSize) { t += exp(getLogits(row, col) - rowMax); }
      buf[tid] = t;
      workgroupBarrier();
      for (var s = blockSize >> 1; s > 0; s = s >> 1) {
        if (tid < s) { buf[tid] = buf[tid] + buf[tid + s]; }
        workgroupBarrier();
      }
      if (tid == 0) { rowSum = buf[0]; }
      workgroupBarrier();
      let label = i32(getTargets(row));
      let pt = exp(getLogits(row, label) - rowMax) / rowSum;
      ${write}
    }`;
  }
}

interface Args {
  inputs: { logits: TensorInfo; targets: TensorInfo };
  backend: WebgpuBackendInternals;
}

/** outputs [loss float32 [B], dLoss/dLogits float32 [B, V]] of logits float32 [B, V], targets int32 [B]. */
function webgpuSoftmaxCrossEntropy({ inputs: { logits, targets }, backend }: Args): TensorInfo[] {
  const [rows, cols] = logits.shape as [number, number];
  const loss = backend.runWebGPUProgram(
    new SoftmaxCrossEntropyProgram("loss", rows, cols),
    [logits, targets],
    "float32",
  );
  const grad = backend.runWebGPUProgram(
    new SoftmaxCrossEntropyProgram("grad", rows, cols),
    [logits, targets],
    "float32",
  );
  return [loss, grad];
}

export const webgpuSoftmaxCrossEntropyKernel: KernelConfig = {
  kernelName: SoftmaxCrossEntropy,
  backendName: "webgpu",
  kernelFunc: webgpuSoftmaxCrossEntropy as unknown as KernelFunc,
};

/** Whether the current backend has the fused kernel (only webgpu does: elsewhere the stock ops are as fast). */
export const hasFusedSoftmaxCrossEntropy = (): boolean =>
  tf.getKernel(SoftmaxCrossEntropy, tf.getBackend()) !== undefined;

/**
 * Per-row crossentropy of softmax(logits) (Keras semantics: clip, then -log p[target]) through the
 * fused kernel, with its gradient to the logits. Needs hasFusedSoftmaxCrossEntropy().
 * @param logits float32 [B, V] @param targets int32 [B] @returns float32 [B]
 */
export function fusedSoftmaxCrossEntropy(logits: tf.Tensor2D, targets: tf.Tensor1D): tf.Tensor1D {
  const op = tf.customGrad(((x: tf.Tensor, save: tf.GradSaveFunc) => {
    const [loss, grad] = tf
      .engine()
      .runKernel(SoftmaxCrossEntropy, { logits: x, targets }, {}) as unknown as tf.Tensor[];
    save([grad]);
    return { value: loss, gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(tf.expandDims(dy, 1), saved[0]) };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return op(logits) as tf.Tensor1D;
}
