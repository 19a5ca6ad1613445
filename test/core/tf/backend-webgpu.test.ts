import { describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs";
import { pino } from "pino";
import { Writable } from "node:stream";
import { spawnSync } from "node:child_process";
import { initBackend, startWebgpu, withSyncReads, type BackendChoice } from "../../../core/tf/backend.ts";
import { describeAdapter, isSoftwareAdapter, webgpuAdapter } from "../../../core/tf/webgpu-adapter.ts";
import { isUserError } from "../../../core/errors.ts";

function capturingLogger(lines: Record<string, unknown>[]) {
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
      done();
    },
  });
  return pino({ level: "info" }, sink);
}

// What Dawn finds here decides which behaviour is checked: none (no Vulkan), a software adapter
// (lavapipe, as CI installs), or a GPU (then auto must pick it).
const found = await webgpuAdapter();
const adapter = "adapter" in found ? found.adapter : undefined;

describe("isSoftwareAdapter", () => {
  it("tells CPU implementations from GPUs by the fallback flag or the driver's name", () => {
    expect(
      isSoftwareAdapter({
        vendor: "mesa",
        architecture: "software",
        device: "llvmpipe-llvm-15",
        description: "llvmpipe: Mesa 25.0.7",
      }),
    ).toBe(true);
    expect(isSoftwareAdapter({ vendor: "google", description: "SwiftShader Device (Subzero)" })).toBe(true);
    expect(isSoftwareAdapter({ vendor: "nvidia", description: "NVIDIA H200", isFallbackAdapter: true })).toBe(true);
    expect(isSoftwareAdapter({ vendor: "nvidia", architecture: "hopper", description: "NVIDIA H200" })).toBe(false);
  });
});

describe("initBackend: webgpu", () => {
  it("auto skips webgpu without a GPU, logging why", async () => {
    if (adapter && !isSoftwareAdapter(adapter.info))
      return expect.fail(`a GPU adapter is here (${describeAdapter(adapter.info)}): this test assumes none`);
    const lines: Record<string, unknown>[] = [];
    const choice = await initBackend({ preference: "auto" }, capturingLogger(lines));
    expect(choice.name).toBe("wasm");
    const reason = choice.reasons.find((r) => r.startsWith("webgpu: "));
    // No GPU device node (Dawn not even started), or Dawn found no adapter / only a software one.
    expect(reason).toMatch(
      /^webgpu: (no GPU device|no WebGPU adapter|webgpu is not installed|only a software adapter)/,
    );
    // In the auto order between the native backends and wasm.
    expect(choice.reasons.map((r) => r.split(":")[0])).toEqual(["tensorflow-gpu", "tensorflow", "webgpu"]);
    await new Promise((r) => setTimeout(r, 10));
    expect(lines.find((l) => l.backend === "wasm")?.skipped).toEqual(choice.reasons);
  });

  it.skipIf(!adapter || !isSoftwareAdapter(adapter.info))(
    "auto's webgpu attempt turns a software adapter down, naming it",
    async () => {
      const reason = await startWebgpu(false);
      expect(reason).toMatch(
        /^only a software adapter \(.*(llvmpipe|lavapipe|SwiftShader).*\), slower than wasm; auto does not pick it/i,
      );
      expect(await startWebgpu(true)).toBeUndefined();
      expect(tf.getBackend()).toBe("webgpu");
      await initBackend({ preference: "cpu" });
    },
  );

  it("without any adapter: auto skips webgpu and an explicit webgpu is an error, both naming why", () => {
    // A child process whose Vulkan loader is pointed at no driver.
    const child = spawnSync(process.execPath, ["--import", "tsx", "test/helpers/backend-without-adapter.ts"], {
      env: { ...process.env, VK_DRIVER_FILES: "/nonexistent/icd.json", VK_ICD_FILENAMES: "/nonexistent/icd.json" },
      encoding: "utf8",
    });
    const result = JSON.parse(child.stdout.trim().split("\n").at(-1)!) as {
      auto: BackendChoice;
      explicit: string;
    };
    expect(result.auto.name).toBe("wasm");
    expect(result.auto.reasons[2]).toMatch(/^webgpu: (no GPU device|no WebGPU adapter \(no Vulkan driver found)/);
    expect(result.explicit).toMatch(/"webgpu" could not start: webgpu: no WebGPU adapter/);
  });

  it.skipIf(!adapter)(
    "an explicit webgpu takes the software adapter, logs it and registers the fused kernel",
    async () => {
      const lines: Record<string, unknown>[] = [];
      const choice = await initBackend({ preference: "webgpu" }, capturingLogger(lines));
      expect(choice).toEqual({ name: "webgpu", reasons: [] });
      expect(tf.getBackend()).toBe("webgpu");
      await new Promise((r) => setTimeout(r, 10));
      expect(lines.find((l) => l.backend === "webgpu")).toMatchObject({
        adapter: describeAdapter(adapter!.info),
        projectKernels: ["OracleSoftmaxCrossEntropy"],
      });
      // A real computation, read back asynchronously.
      expect(
        Array.from(await tf.matMul(tf.tensor2d([1, 2, 3, 4], [2, 2]), tf.tensor2d([5, 6, 7, 8], [2, 2])).data()),
      ).toEqual([19, 22, 43, 50]);
      await initBackend({ preference: "cpu" });
    },
  );

  it.skipIf(!adapter)(
    "withSyncReads runs synchronous readers off webgpu on its tensors, then returns to webgpu",
    async () => {
      await initBackend({ preference: "webgpu" });
      // Computed on the GPU (tfjs does small element-wise ops on the CPU), so held only there.
      const w = tf.tidy(() => tf.matMul(tf.ones([16, 16]), tf.ones([16, 16])));
      expect(() => w.dataSync()).toThrow(/OffscreenCanvas/); // why withSyncReads exists
      const product = await withSyncReads([w], async () => {
        expect(tf.getBackend()).not.toBe("webgpu");
        return Array.from(tf.matMul(w, w).dataSync());
      });
      expect(product).toEqual(new Array(256).fill(16 * 16 * 16));
      expect(tf.getBackend()).toBe("webgpu");
      w.dispose();
      await initBackend({ preference: "cpu" });
    },
  );

  it("a caller that reads synchronously (sampling) never gets webgpu", async () => {
    const choice = await initBackend({ preference: "auto", syncReads: true });
    expect(choice.reasons).toContain(
      "webgpu: this caller reads tensors synchronously (sampling), which tfjs-backend-webgpu cannot do in Node",
    );
    const error = await initBackend({ preference: "webgpu", syncReads: true }).catch((e: unknown) => e);
    expect(isUserError(error)).toBe(true);
  });
});
