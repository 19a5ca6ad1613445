import { existsSync } from "node:fs";
import * as tf from "@tensorflow/tfjs";
import { silentLogger, type Logger } from "../logger.ts";
import { UserError } from "../errors.ts";
import { registerProjectKernels } from "./kernels/register.ts";

export type BackendName = "tensorflow-gpu" | "tensorflow" | "wasm" | "cpu";
export type BackendPreference = "auto" | BackendName;

export interface BackendOptions {
  preference: BackendPreference;
  /** Level of the "tfjs backend" line: info for services, debug for commands (shown with --verbose). */
  logLevel?: "info" | "debug";
  /** The setting that chose it, named in the error (TRAINER_BACKEND for training, BOT_BACKEND for serving). */
  setting?: string;
}

export interface BackendChoice {
  /** The backend that runs. */
  name: BackendName;
  /** Why each backend tried before it did not run (empty when the first choice ran). */
  reasons: string[];
}

/** Tries to start one backend: undefined when it runs, otherwise why not. */
type Attempt = () => Promise<string | undefined>;

const AUTO_ORDER: BackendName[] = ["tensorflow-gpu", "tensorflow", "wasm", "cpu"];

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
    const message = (e as Error).message.split("\n")[0]!;
    if (message.includes("tfjs_binding.node")) {
      // Installed with its install script blocked (package.json allowScripts): no libtensorflow.
      return `${pkg} is installed without its native addon (its install script, which downloads libtensorflow, did not run; see README: GPU and native hosts)`;
    }
    return `${pkg} failed to load: ${message}`;
  }
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
  const listeners = (event: string) => process.listeners(event as "uncaughtException") as ((...args: unknown[]) => void)[];
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
    if (!existsSync("/proc/driver/nvidia/version")) return "tensorflow-gpu: no NVIDIA driver (/proc/driver/nvidia/version missing)";
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
  wasm: async () => keepingProcessHandlers(async () => {
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
 * `auto` tries tensorflow-gpu → tensorflow → wasm → cpu and logs why each skipped one did not
 * run; an explicit preference that cannot start is a UserError.
 */
export async function initBackend(options: BackendOptions, log: Logger = silentLogger): Promise<BackendChoice> {
  const order = options.preference === "auto" ? AUTO_ORDER : [options.preference];
  const reasons: string[] = [];
  for (const name of order) {
    const failure = await attempts[name]();
    if (failure) {
      reasons.push(failure);
      continue;
    }
    const kernels = registerProjectKernels(tf.getBackend());
    log[options.logLevel ?? "info"]({
      backend: name,
      simd: name === "wasm" ? tf.env().getBool("WASM_HAS_SIMD_SUPPORT") : undefined,
      projectKernels: kernels.length > 0 ? kernels : undefined,
      skipped: reasons.length > 0 ? reasons : undefined,
    }, `tfjs backend: ${name}`);
    return { name, reasons };
  }
  throw new UserError(
    `TensorFlow.js backend "${options.preference}" could not start: ${reasons.join("; ")}`,
    `Set ${options.setting ?? "TRAINER_BACKEND"}=auto (or wasm/cpu, which need no native packages).`,
  );
}
