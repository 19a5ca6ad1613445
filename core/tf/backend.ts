// Which TensorFlow.js backend runs, started once per process by its entry point (initBackend), and
// the project's kernels registered on it. Finding a WebGPU adapter is webgpu-adapter.ts's part.
import { existsSync } from "node:fs";
import * as tf from "@tensorflow/tfjs";
import { silentLogger, type Logger } from "../logger.ts";
import { UserError } from "../errors.ts";
import { registerProjectKernels } from "./kernels/register.ts";
import {
  adapterName,
  describeAdapter,
  exposeAdapter,
  gpuDeviceNode,
  isSoftwareAdapter,
  webgpuAdapter,
} from "./webgpu-adapter.ts";

export type BackendName = "tensorflow-gpu" | "tensorflow" | "webgpu" | "wasm" | "cpu";
type BackendPreference = "auto" | BackendName;

export interface BackendOptions {
  preference: BackendPreference;
  /** Level of the "tfjs backend" line: info for services, debug for commands (shown with --verbose). */
  logLevel?: "info" | "debug";
  /** The setting that chose it, named in the error (TRAINER_BACKEND for training, BOT_BACKEND for serving). */
  setting?: string;
  /**
   * The caller reads tensors synchronously (dataSync: sampling does, per token). tfjs-backend-webgpu
   * cannot in Node (its readSync needs OffscreenCanvas), so webgpu is skipped.
   */
  syncReads?: boolean;
}

export interface BackendChoice {
  /** The backend that runs. */
  name: BackendName;
  /** Why each backend tried before it did not run (empty when the first choice ran). */
  reasons: string[];
}

/** Tries to start one backend: undefined when it runs, otherwise why not. */
type Attempt = () => Promise<string | undefined>;

const AUTO_ORDER: BackendName[] = ["tensorflow-gpu", "tensorflow", "webgpu", "wasm", "cpu"];

/** Imports a package that may be absent; the specifier is a variable so tsc does not need its types. */
async function importOptional(pkg: string): Promise<string | undefined> {
  try {
    await import(pkg);
    return undefined;
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") {
      return `${pkg} is not installed (optional; see README: GPU and native hosts)`;
    }
    const message = (e as Error).message.split("\n")[0];
    if (message.includes("tfjs_binding.node")) {
      // Installed with its install script blocked (package.json allowScripts): no libtensorflow.
      return `${pkg} is installed without its native addon (its install script, which downloads libtensorflow, did not run; see README: GPU and native hosts)`;
    }
    return `${pkg} failed to load: ${message}`;
  }
}

/** Starts tfjs-backend-webgpu on Dawn's adapter; a software adapter only when `allowSoftware`. */
export async function startWebgpu(allowSoftware: boolean): Promise<string | undefined> {
  const found = await webgpuAdapter();
  if ("reason" in found) return found.reason;
  const { adapter } = found;
  if (isSoftwareAdapter(adapter.info) && !allowSoftware) {
    return `only a software adapter (${describeAdapter(adapter.info)}), slower than wasm; auto does not pick it (set the backend to webgpu to use it anyway)`;
  }
  if (!tf.findBackendFactory("webgpu")) {
    exposeAdapter(adapter);
    const failed = await importOptional("@tensorflow/tfjs-backend-webgpu");
    if (failed) return failed;
  }
  return activate("webgpu");
}

async function activate(name: string): Promise<string | undefined> {
  try {
    if (!(await tf.setBackend(name))) return `tf.setBackend("${name}") failed`;
    await tf.ready();
    return undefined;
  } catch (e) {
    return `tf.setBackend("${name}") threw: ${(e as Error).message.split("\n")[0]}`;
  }
}

const PROCESS_EVENTS = ["uncaughtException", "unhandledRejection"] as const;

/**
 * The wasm module (Emscripten) adds process handlers that rethrow every uncaught exception and
 * unhandled rejection: one stray promise would crash a service, printing the module's minified
 * source. Handlers added while `fn` runs are removed; the entry points keep their own.
 */
async function keepingProcessHandlers<T>(fn: () => Promise<T>): Promise<T> {
  const listeners = (event: string) =>
    process.listeners(event as "uncaughtException") as ((...args: unknown[]) => void)[];
  const before = new Map(PROCESS_EVENTS.map((e) => [e, new Set(listeners(e))]));
  try {
    return await fn();
  } finally {
    for (const event of PROCESS_EVENTS) {
      for (const listener of listeners(event)) {
        if (!before.get(event)!.has(listener)) process.removeListener(event, listener);
      }
    }
  }
}

const attempts: Record<BackendName, Attempt> = {
  // tfjs-node-gpu registers itself as "tensorflow"; it only makes sense with an NVIDIA driver.
  "tensorflow-gpu": async () => {
    if (!existsSync("/proc/driver/nvidia/version"))
      return "tensorflow-gpu: no NVIDIA driver (/proc/driver/nvidia/version missing)";
    const failed = await importOptional("@tensorflow/tfjs-node-gpu");
    if (failed) return `tensorflow-gpu: ${failed}`;
    const off = await activate("tensorflow");
    return off ? `tensorflow-gpu: ${off}` : undefined;
  },
  tensorflow: async () => {
    const failed = await importOptional("@tensorflow/tfjs-node");
    if (failed) return `tensorflow: ${failed}`;
    const off = await activate("tensorflow");
    return off ? `tensorflow: ${off}` : undefined;
  },
  webgpu: async () => {
    // Dawn (and a software Vulkan driver's LLVM) costs seconds to start: not on hosts without a GPU.
    if (!gpuDeviceNode()) return "webgpu: no GPU device (/dev/nvidia0 or /dev/dri/renderD*)";
    const off = await startWebgpu(false);
    return off ? `webgpu: ${off}` : undefined;
  },
  wasm: async () =>
    keepingProcessHandlers(async () => {
      const failed = await importOptional("@tensorflow/tfjs-backend-wasm");
      if (failed) return `wasm: ${failed}`;
      const off = await activate("wasm");
      return off ? `wasm: ${off}` : undefined;
    }),
  cpu: async () => {
    const off = await activate("cpu");
    return off ? `cpu: ${off}` : undefined;
  },
};

/**
 * Picks and starts the TensorFlow.js backend and registers the project's kernels on it.
 * `auto` tries tensorflow-gpu → tensorflow → webgpu (a GPU adapter only) → wasm → cpu and logs why each skipped one did not
 * run; an explicit preference that cannot start is a UserError.
 */
export async function initBackend(options: BackendOptions, log: Logger = silentLogger): Promise<BackendChoice> {
  const order = options.preference === "auto" ? AUTO_ORDER : [options.preference];
  const reasons: string[] = [];
  for (const name of order) {
    // An explicit webgpu choice takes a software adapter too (lavapipe in tests and CI).
    const failure =
      name === "webgpu" && options.syncReads
        ? "webgpu: this caller reads tensors synchronously (sampling), which tfjs-backend-webgpu cannot do in Node"
        : name === "webgpu" && options.preference === "webgpu"
          ? await startWebgpu(true).then((off) => (off ? `webgpu: ${off}` : undefined))
          : await attempts[name]();
    if (failure) {
      reasons.push(failure);
      continue;
    }
    const kernels = registerProjectKernels(tf.getBackend());
    log[options.logLevel ?? "info"](
      {
        backend: name,
        simd: name === "wasm" ? tf.env().getBool("WASM_HAS_SIMD_SUPPORT") : undefined,
        adapter: name === "webgpu" ? adapterName() : undefined,
        projectKernels: kernels.length > 0 ? kernels : undefined,
        skipped: reasons.length > 0 ? reasons : undefined,
      },
      `tfjs backend: ${name}`,
    );
    return { name, reasons };
  }
  throw new UserError(
    `TensorFlow.js backend "${options.preference}" could not start: ${reasons.join("; ")}`,
    `Set ${options.setting ?? "TRAINER_BACKEND"}=auto (or wasm/cpu, which need no native packages).`,
  );
}

/**
 * Runs `fn`, which reads tensors synchronously (the fast scorer samples so), on a backend that can
 * when the current one is webgpu: `tensors` are read back first (asynchronously; webgpu then keeps
 * the values host-side, so the other backend can take them over); webgpu is current again after.
 */
export async function withSyncReads<T>(
  tensors: tf.Tensor[],
  fn: () => Promise<T>,
  log: Logger = silentLogger,
): Promise<T> {
  if (tf.getBackend() !== "webgpu") return fn();
  await Promise.all(tensors.map((t) => t.data()));
  await initBackend({ preference: "auto", syncReads: true }, log);
  try {
    return await fn();
  } finally {
    await tf.setBackend("webgpu");
  }
}
