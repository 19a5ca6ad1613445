// WebGPU in Node: finding an adapter through Dawn (npm `webgpu`), telling a GPU from a software
// (CPU) Vulkan driver, and handing the adapter to tfjs-backend-webgpu. Which backend runs is
// decided in backend.ts.
import { existsSync, readdirSync } from "node:fs";

/** Names of CPU (software) Vulkan drivers: correct but slower than wasm, so auto never picks them. */
const SOFTWARE_ADAPTER = /llvmpipe|lavapipe|swiftshader/i;

/** What describes a WebGPU adapter (GPUAdapterInfo, Dawn 0.6.2). */
export interface AdapterInfo {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  isFallbackAdapter?: boolean;
}
export interface DawnAdapter {
  info: AdapterInfo;
  features: Set<string>;
  requestDevice(descriptor?: { requiredFeatures?: unknown[] }): Promise<unknown>;
}
interface DawnGpu {
  requestAdapter(options?: { powerPreference?: string }): Promise<DawnAdapter | null>;
  wgslLanguageFeatures?: unknown;
}

/**
 * The Dawn instance (npm `webgpu`'s create()). Held for the process lifetime: once garbage-collected,
 * Dawn's event processing crashes the process (futex error / SIGSEGV).
 */
let dawn: { gpu: DawnGpu; adapter: DawnAdapter | null } | undefined;

/** The adapter's name as the logs show it. */
export function describeAdapter(info: AdapterInfo): string {
  return (
    [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(" / ") || "unnamed adapter"
  );
}

/** A CPU implementation of WebGPU (lavapipe/llvmpipe, SwiftShader) rather than a GPU. */
export function isSoftwareAdapter(info: AdapterInfo): boolean {
  return info.isFallbackAdapter === true || SOFTWARE_ADAPTER.test(describeAdapter(info));
}

/** The WebGPU adapter Dawn finds here, or why none (Dawn started once per process). */
export async function webgpuAdapter(): Promise<{ adapter: DawnAdapter } | { reason: string }> {
  if (!dawn) {
    let mod: { create(flags: string[]): DawnGpu; globals: Record<string, unknown> };
    const pkg = "webgpu";
    try {
      mod = (await import(pkg)) as typeof mod;
    } catch (e) {
      const code = (e as { code?: string }).code;
      return {
        reason:
          code === "ERR_MODULE_NOT_FOUND"
            ? "webgpu is not installed (optional; see README: GPU and native hosts)"
            : `webgpu failed to load: ${(e as Error).message.split("\n")[0]}`,
      };
    }
    // GPUBufferUsage, GPUMapMode, …: tfjs-backend-webgpu reads them as globals.
    for (const [name, value] of Object.entries(mod.globals))
      if (!(name in globalThis)) Object.assign(globalThis, { [name]: value });
    const gpu = mod.create([]);
    dawn = { gpu, adapter: await gpu.requestAdapter({ powerPreference: "high-performance" }).catch(() => null) };
  }
  if (!dawn.adapter)
    return {
      reason:
        "no WebGPU adapter (no Vulkan driver found: the host needs libvulkan1 and a GPU's Vulkan driver, see README: GPU and native hosts)",
    };
  return { adapter: dawn.adapter };
}

/** A GPU's device node (NVIDIA's, or a DRM render node), without which auto does not start Dawn at all. */
export function gpuDeviceNode(): string | undefined {
  if (existsSync("/dev/nvidia0")) return "/dev/nvidia0";
  const render = existsSync("/dev/dri") ? readdirSync("/dev/dri").find((f) => f.startsWith("renderD")) : undefined;
  return render && `/dev/dri/${render}`;
}

/** The name of the adapter Dawn found, for the backend's log line (undefined before or without one). */
export const adapterName = (): string | undefined => (dawn?.adapter ? describeAdapter(dawn.adapter.info) : undefined);

/**
 * Makes `adapter` the one tfjs-backend-webgpu finds: the backend registers itself on import only if
 * navigator.gpu exists (Node 20 has no navigator), and asks it for the adapter.
 */
export function exposeAdapter(adapter: DawnAdapter): void {
  // tfjs 4.22 passes requiredFeatures with a nested array (['bgra8unorm-storage']), which Dawn rejects.
  const requestDevice = adapter.requestDevice.bind(adapter);
  adapter.requestDevice = (descriptor = {}) =>
    requestDevice({
      ...descriptor,
      requiredFeatures: (descriptor.requiredFeatures ?? []).flat().filter((f) => adapter.features.has(f as string)),
    });
  const gpu = {
    requestAdapter: () => Promise.resolve(adapter),
    wgslLanguageFeatures: dawn?.gpu.wgslLanguageFeatures,
    getPreferredCanvasFormat: () => "rgba8unorm",
  };
  Object.defineProperty(globalThis, "navigator", {
    value: { ...(globalThis as { navigator?: object }).navigator, gpu },
    configurable: true,
    writable: true,
  });
}
