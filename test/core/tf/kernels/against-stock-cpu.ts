import { expect } from "vitest";
import { initBackend } from "../../../../core/tf/backend.ts";
import { maxAbsDiff } from "../random.ts";

/** What one case computes: the op's output and the gradient through it. */
export interface KernelRun {
  shape: number[];
  values: Float32Array;
  grad: Float32Array;
}

/**
 * Runs every case on the stock cpu backend, then on wasm with the project's kernels, and expects
 * the same shapes, values (within `tolerance.values`) and gradients (within `tolerance.grad`).
 */
export async function expectWasmMatchesStockCpu<C>(
  cases: C[],
  run: (c: C) => KernelRun,
  tolerance: { values: number; grad: number },
): Promise<void> {
  await initBackend({ preference: "cpu" });
  const want = cases.map(run);
  await initBackend({ preference: "wasm" });
  cases.forEach((c, i) => {
    const got = run(c);
    expect(got.shape, `case ${i}`).toEqual(want[i].shape);
    expect(maxAbsDiff(got.values, want[i].values), `case ${i}`).toBeLessThanOrEqual(tolerance.values);
    expect(maxAbsDiff(got.grad, want[i].grad), `case ${i} grad`).toBeLessThan(tolerance.grad);
  });
}
