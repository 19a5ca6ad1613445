import { BatchMatMul, getKernel, type KernelConfig, type TensorInfo } from "@tensorflow/tfjs";
import type { CpuBackendInternals, WasmBackendInternals } from "./internals.ts";

/**
 * The project's fused GRU over whole sequences (reset gate applied after the recurrent product,
 * as cuDNN and Keras' `reset_after` do, so each step is one product h @ U):
 *   a = xg[t] (input projection and bias, computed outside as one large product)
 *   u = h @ U + bU;  z = σ(a_z + u_z);  r = σ(a_r + u_r);  n = tanh(a_n + r ⊙ u_n)
 *   h' = z ⊙ h + (1 − z) ⊙ n                                            (h₀ = 0)
 * Forward: one kernel call for all T steps; backward: one call giving d a and d u per step
 * (the weight gradients are then two large products outside, d U = Σ h_{t−1}ᵀ d u).
 */
export const GruSequence = "OracleGruSequence";
export const GruSequenceGrad = "OracleGruSequenceGrad";

/** A product `a [rows, K] @ M` with a fixed right operand; the result is valid until the next call. */
type RightProduct = (a: Float32Array, rows: number) => Float32Array;

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/**
 * The forward recurrence. xg [B, T, 3H]; bU [3H]. Writes hs [B, T, H] and gates [B, T, 4H]
 * (z, r, n and u_n per step, what the backward pass needs).
 */
function gruForwardInto(
  xg: Float32Array,
  bU: Float32Array,
  hs: Float32Array,
  gates: Float32Array,
  B: number,
  T: number,
  H: number,
  timesU: RightProduct,
): void {
  const H3 = 3 * H;
  const h = new Float32Array(B * H);
  for (let t = 0; t < T; t++) {
    const u = timesU(h, B);
    for (let b = 0; b < B; b++) {
      const x = (b * T + t) * H3;
      const g = (b * T + t) * 4 * H;
      const o = (b * T + t) * H;
      const ub = b * H3;
      const hb = b * H;
      for (let j = 0; j < H; j++) {
        const z = sigmoid(xg[x + j] + u[ub + j] + bU[j]);
        const r = sigmoid(xg[x + H + j] + u[ub + H + j] + bU[H + j]);
        const un = u[ub + 2 * H + j] + bU[2 * H + j];
        const n = Math.tanh(xg[x + 2 * H + j] + r * un);
        const next = z * h[hb + j] + (1 - z) * n;
        gates[g + j] = z;
        gates[g + H + j] = r;
        gates[g + 2 * H + j] = n;
        gates[g + 3 * H + j] = un;
        h[hb + j] = next;
        hs[o + j] = next;
      }
    }
  }
}

/**
 * The backward recurrence. dhs [B, T, H] (d loss / d hs), hs and gates from the forward pass.
 * Writes dxg [B, T, 3H] (d loss / d xg) and du [B, T, 3H] (d loss / d u, u = h_{t−1} @ U + bU).
 * `timesUT` multiplies by Uᵀ [3H, H].
 */
function gruBackwardInto(
  dhs: Float32Array,
  hs: Float32Array,
  gates: Float32Array,
  dxg: Float32Array,
  du: Float32Array,
  B: number,
  T: number,
  H: number,
  timesUT: RightProduct,
): void {
  const H3 = 3 * H;
  const carry = new Float32Array(B * H);
  const step = new Float32Array(B * H3);
  for (let t = T - 1; t >= 0; t--) {
    for (let b = 0; b < B; b++) {
      const o = (b * T + t) * H;
      const prev = o - H;
      const g = (b * T + t) * 4 * H;
      const x = (b * T + t) * H3;
      const s = b * H3;
      const hb = b * H;
      for (let j = 0; j < H; j++) {
        const d = dhs[o + j] + carry[hb + j];
        const hp = t > 0 ? hs[prev + j] : 0;
        const z = gates[g + j];
        const r = gates[g + H + j];
        const n = gates[g + 2 * H + j];
        const un = gates[g + 3 * H + j];
        const dAn = d * (1 - z) * (1 - n * n);
        const dAz = d * (hp - n) * z * (1 - z);
        const dAr = dAn * un * r * (1 - r);
        dxg[x + j] = dAz;
        dxg[x + H + j] = dAr;
        dxg[x + 2 * H + j] = dAn;
        du[x + j] = step[s + j] = dAz;
        du[x + H + j] = step[s + H + j] = dAr;
        du[x + 2 * H + j] = step[s + 2 * H + j] = dAn * r;
        carry[hb + j] = d * z;
      }
    }
    if (t > 0) {
      const back = timesUT(step, B);
      for (let i = 0; i < B * H; i++) carry[i] += back[i];
    }
  }
}

/** a [rows, K] @ m [K, N] in plain JS (the cpu backend's products, and a reference). */
function jsRightProduct(m: Float32Array, K: number, N: number): RightProduct {
  let out = new Float32Array(0);
  return (a, rows) => {
    if (out.length < rows * N) out = new Float32Array(rows * N);
    out.fill(0, 0, rows * N);
    for (let i = 0; i < rows; i++) {
      const o = i * N;
      for (let k = 0; k < K; k++) {
        const v = a[i * K + k];
        if (v === 0) continue;
        const row = k * N;
        for (let j = 0; j < N; j++) out[o + j] += v * m[row + j];
      }
    }
    return out;
  };
}

/** m [K, N] transposed into a new [N, K] array. */
function transposed(m: Float32Array, K: number, N: number): Float32Array {
  const out = new Float32Array(K * N);
  for (let k = 0; k < K; k++) for (let j = 0; j < N; j++) out[j * K + k] = m[k * N + j]!;
  return out;
}

type WasmKernel = (args: {
  inputs: Record<string, TensorInfo>;
  attrs: Record<string, unknown>;
  backend: WasmBackendInternals;
}) => TensorInfo;

/**
 * Products on the wasm heap through its BatchMatMul kernel (XNNPACK: ~10× plain JS), the right
 * operand `m` [K, N] copied onto the heap once. Results are copied out at once: a later heap
 * allocation may grow the memory and detach views taken before it.
 */
function wasmRightProduct(backend: WasmBackendInternals, m: Float32Array, K: number, N: number) {
  const matMul = getKernel(BatchMatMul, "wasm").kernelFunc as unknown as WasmKernel;
  const right = backend.makeOutput([K, N], "float32");
  backend.typedArrayFromHeap(right).set(m);
  let out = new Float32Array(0);
  const product: RightProduct = (a, rows) => {
    const left = backend.makeOutput([rows, K], "float32");
    try {
      backend.typedArrayFromHeap(left).set(a.subarray(0, rows * K));
      const result = matMul({
        inputs: { a: left, b: right },
        attrs: { transposeA: false, transposeB: false },
        backend,
      });
      if (out.length < rows * N) out = new Float32Array(rows * N);
      out.set(backend.typedArrayFromHeap(result));
      backend.disposeData(result.dataId);
      return out;
    } finally {
      backend.disposeData(left.dataId);
    }
  };
  return { product, dispose: () => backend.disposeData(right.dataId) };
}

/** How a kernel reads its inputs and makes its outputs on one backend. */
interface Memory {
  read(info: TensorInfo): Float32Array;
  /** A product by `m` [K, N]. */
  rightProduct(m: Float32Array, K: number, N: number): { product: RightProduct; dispose(): void };
  output(shape: number[], values: Float32Array): TensorInfo;
}

function wasmMemory(backend: WasmBackendInternals): Memory {
  return {
    // Copied: the heap may grow (and detach a view) at the next allocation.
    read: (info) => (backend.typedArrayFromHeap(info) as Float32Array).slice(),
    rightProduct: (m, K, N) => wasmRightProduct(backend, m, K, N),
    output(shape, values) {
      const info = backend.makeOutput(shape, "float32");
      backend.typedArrayFromHeap(info).set(values);
      return info;
    },
  };
}

function cpuMemory(backend: CpuBackendInternals): Memory {
  return {
    read: (info) => backend.data.get(info.dataId).values as Float32Array,
    rightProduct: (m, K, N) => ({ product: jsRightProduct(m, K, N), dispose() {} }),
    output: (shape, values) => backend.makeTensorInfo(shape, "float32", values),
  };
}

interface ForwardArgs {
  inputs: { xg: TensorInfo; recurrent: TensorInfo; recurrentBias: TensorInfo };
}
interface BackwardArgs {
  inputs: { dhs: TensorInfo; hs: TensorInfo; gates: TensorInfo; recurrent: TensorInfo };
}

function forward(memory: Memory, { inputs }: ForwardArgs): TensorInfo[] {
  const [B, T, H3] = inputs.xg.shape as [number, number, number];
  const H = H3 / 3;
  const hs = new Float32Array(B * T * H);
  const gates = new Float32Array(B * T * 4 * H);
  const u = memory.rightProduct(memory.read(inputs.recurrent), H, H3);
  try {
    gruForwardInto(memory.read(inputs.xg), memory.read(inputs.recurrentBias), hs, gates, B, T, H, u.product);
  } finally {
    u.dispose();
  }
  return [memory.output([B, T, H], hs), memory.output([B, T, 4 * H], gates)];
}

function backward(memory: Memory, { inputs }: BackwardArgs): TensorInfo[] {
  const [B, T, H] = inputs.hs.shape as [number, number, number];
  const dxg = new Float32Array(B * T * 3 * H);
  const du = new Float32Array(B * T * 3 * H);
  const ut = memory.rightProduct(transposed(memory.read(inputs.recurrent), H, 3 * H), 3 * H, H);
  try {
    gruBackwardInto(
      memory.read(inputs.dhs),
      memory.read(inputs.hs),
      memory.read(inputs.gates),
      dxg,
      du,
      B,
      T,
      H,
      ut.product,
    );
  } finally {
    ut.dispose();
  }
  return [memory.output([B, T, 3 * H], dxg), memory.output([B, T, 3 * H], du)];
}

const kernel = (
  name: string,
  backendName: "wasm" | "cpu",
  fn: (memory: Memory, args: never) => TensorInfo[],
): KernelConfig => ({
  kernelName: name,
  backendName,
  kernelFunc: (args: { backend: unknown }) =>
    fn(
      backendName === "wasm"
        ? wasmMemory(args.backend as WasmBackendInternals)
        : cpuMemory(args.backend as CpuBackendInternals),
      args as never,
    ),
});

/** The fused GRU kernels of one backend (wasm or cpu). */
export const gruSequenceKernels = (backendName: "wasm" | "cpu"): KernelConfig[] => [
  kernel(GruSequence, backendName, forward),
  kernel(GruSequenceGrad, backendName, backward),
];
