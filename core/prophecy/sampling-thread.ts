// Sampling off the event loop: a worker thread holding its own copy of a model version draws whole
// quatrains (drawQuatrains: every word, the copy check and the redraws), one message each way per
// request, so parsing, signature checks, database writes and replies on the serving thread never
// wait behind a batch of draws. Concurrent requests still meet in the thread's batched passes.
import * as tf from "@tensorflow/tfjs";
import type { Worker } from "node:worker_threads";
import { shortError } from "../errors.ts";
import type { Logger } from "../logger.ts";
import { startTsWorker } from "../tf/parallel/ts-worker.ts";
import type { DrawRequest, Drawn, LoadedModel, ProphecySettings } from "./loaded-model.ts";
import type { StoredVersion } from "./load-model.ts";
import { drawQuatrains } from "./prophesy.ts";
import type { ThreadReply, ThreadRequest } from "./sampling-thread-worker.ts";

/**
 * `model` with its draws handed to a sampling thread loading the same `record` (on the wasm
 * backend only: the native ones use every core already). Until the thread is ready, and for good
 * once it fails, draws run here: a request is never lost to the thread.
 */
export function withSamplingThread(
  model: LoadedModel,
  record: StoredVersion,
  log: Logger,
): LoadedModel & { threadReady?: Promise<boolean>; stopThread?: () => Promise<number> } {
  if (tf.getBackend() !== "wasm") return model;
  const worker: Worker = startTsWorker(new URL("./sampling-thread-worker.ts", import.meta.url), {
    record: { ...record, casing: { ...record.casing } },
  });
  worker.unref();
  const pending = new Map<number, { resolve: (d: Drawn[]) => void; reject: (e: Error) => void }>();
  let nextId = 0;
  let ready = false;
  let failed = false;
  let disposed = false;
  let settleReady: (ok: boolean) => void = () => {};
  const threadReady = new Promise<boolean>((resolve) => (settleReady = resolve));
  const fail = (error: Error) => {
    settleReady(false);
    if (!failed)
      log.warn({ version: model.version, err: shortError(error) }, "sampling thread failed; drawing on the event loop");
    failed = true;
    ready = false;
    for (const p of pending.values()) p.reject(error);
    pending.clear();
  };
  worker.on("message", (m: ThreadReply) => {
    if (m.type === "ready") {
      ready = true;
      settleReady(true);
      return;
    }
    const waiting = pending.get(m.id);
    pending.delete(m.id);
    if (pending.size === 0) worker.unref();
    if (m.type === "drawn") waiting?.resolve(m.drawn);
    else waiting?.reject(new Error(`sampling thread: ${m.message}`));
  });
  worker.on("error", fail);
  worker.on("exit", (code) => fail(new Error(`sampling thread exited with code ${code}`)));

  const remote = (settings: ProphecySettings, request: DrawRequest) =>
    new Promise<Drawn[]>((resolve, reject) => {
      const id = nextId++;
      if (pending.size === 0) worker.ref();
      pending.set(id, { resolve, reject });
      worker.postMessage({ id, settings, request } satisfies ThreadRequest);
    });

  return {
    ...model,
    threadReady,
    /** Ends the thread alone, as if it had died (tests). */
    stopThread: () => worker.terminate(),
    async draw(settings, request) {
      if (!ready || failed) return drawQuatrains(model, settings, request);
      // A thread that fails mid-draw: the same request drawn here gives the same quatrains (seeded).
      return remote(settings, request).catch(() => drawQuatrains(model, settings, request));
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      settleReady(false);
      worker.removeAllListeners("exit");
      failed = true;
      for (const p of pending.values()) p.reject(new Error("sampling thread closed"));
      pending.clear();
      void worker.terminate();
      model.dispose();
    },
  };
}
