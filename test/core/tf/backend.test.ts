import { describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs";
import { pino } from "pino";
import { Writable } from "node:stream";
import { initBackend } from "../../../core/tf/backend.ts";
import { isUserError } from "../../../core/errors.ts";

/** A pino logger whose JSON lines land in `lines`. */
function capturingLogger(lines: Record<string, unknown>[]) {
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
      done();
    },
  });
  return pino({ level: "info" }, sink);
}

const loads = async (name: string) =>
  import(name).then(
    () => true,
    () => false,
  );
/** Here the native package is absent or installed without its addon (install script blocked). */
const NATIVE_UNAVAILABLE = "@tensorflow/tfjs-node is (not installed|installed without its native addon)";

describe("initBackend", () => {
  // First in the file: the wasm module is instantiated (and adds its handlers) once per process.
  it("leaves no process-wide crash handlers behind from the wasm module", async () => {
    const count = () => process.listeners("uncaughtException").length + process.listeners("unhandledRejection").length;
    const before = count();
    await initBackend({ preference: "wasm" });
    expect(count()).toBe(before);
  });

  it("auto: falls through the native backends this machine lacks to wasm, and logs why", async () => {
    // This machine has neither native package; on a host that has one the test says so.
    if (await loads("@tensorflow/tfjs-node")) return expect.fail("tfjs-node loads here: this test assumes it does not");
    const lines: Record<string, unknown>[] = [];
    const choice = await initBackend({ preference: "auto" }, capturingLogger(lines));
    expect(choice.name).toBe("wasm");
    expect(tf.getBackend()).toBe("wasm");
    expect(choice.reasons).toHaveLength(3);
    expect(choice.reasons[0]).toMatch(/^tensorflow-gpu: /);
    expect(choice.reasons[1]).toMatch(new RegExp(`^tensorflow: ${NATIVE_UNAVAILABLE}`));
    expect(choice.reasons[2]).toMatch(/^webgpu: /); // no GPU adapter here (see backend-webgpu.test.ts)
    await new Promise((r) => setTimeout(r, 10));
    const line = lines.find((l) => l.backend === "wasm");
    expect(line).toMatchObject({ simd: true, skipped: choice.reasons });
    expect(line?.projectKernels).toEqual(expect.arrayContaining(["UnsortedSegmentSum", "BatchMatMul"]));
  });

  it("an explicit backend that cannot start is a UserError naming why", async () => {
    const error = await initBackend({ preference: "tensorflow" }).catch((e: unknown) => e);
    expect(isUserError(error)).toBe(true);
    expect((error as Error).message).toMatch(
      new RegExp(`"tensorflow" could not start: tensorflow: ${NATIVE_UNAVAILABLE}`),
    );
  });

  it("switches between wasm and cpu on request", async () => {
    expect((await initBackend({ preference: "cpu" })).name).toBe("cpu");
    expect(tf.getBackend()).toBe("cpu");
    expect((await initBackend({ preference: "wasm" })).reasons).toEqual([]);
    expect(tf.getBackend()).toBe("wasm");
  });
});
