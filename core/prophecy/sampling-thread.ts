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

/** One sampling thread: its requests in flight, whether it serves. */
interface Thread {
  worker: Worker;
  pending: Map<number, { resolve: (d: Drawn[]) => void; reject: (e: Error) => void }>;
  ready: boolean;
  failed: boolean;
  started: Promise<boolean>;
}

function startThread(record: StoredVersion, onFail: (error: Error) => void): Thread {
  const worker = startTsWorker(new URL("./sampling-thread-worker.ts", import.meta.url), {
    record: { ...record, casing: { ...record.casing } },
  });
  worker.unref();
  let settle: (ok: boolean) => void = () => {};
  const t: Thread = {
    worker,
    pending: new Map(),
    ready: false,
    failed: false,
    started: new Promise<boolean>((resolve) => (settle = resolve)),
  };
  const fail = (error: Error) => {
    settle(false);
    if (!t.failed) onFail(error);
    t.failed = true;
    t.ready = false;
    for (const p of t.pending.values()) p.reject(error);
    t.pending.clear();
  };
  worker.on("message", (m: ThreadReply) => {
    if (m.type === "ready") {
      t.ready = true;
      settle(true);
      return;
    }
    const waiting = t.pending.get(m.id);
    t.pending.delete(m.id);
    if (t.pending.size === 0) worker.unref();
    if (m.type === "drawn") waiting?.resolve(m.drawn);
    else waiting?.reject(new Error(`sampling thread: ${m.message}`));
  });
  worker.on("error", fail);
  worker.on("exit", (code) => fail(new Error(`sampling thread exited with code ${code}`)));
  return t;
}

let nextId = 0;

function drawOn(t: Thread, settings: ProphecySettings, request: DrawRequest): Promise<Drawn[]> {
  return new Promise<Drawn[]>((resolve, reject) => {
    const id = nextId++;
    if (t.pending.size === 0) t.worker.ref();
    t.pending.set(id, { resolve, reject });
    t.worker.postMessage({ id, settings, request } satisfies ThreadRequest);
  });
}

/**
 * `model` with its draws handed to `threads` sampling threads loading the same `record` (the one
 * with the fewest requests in flight takes the next; on the wasm backend only: the native ones use
 * every core already). Until a thread is ready, and once every one has failed, draws run here: a
 * request is never lost to a thread.
 */
export function withSamplingThreads(
  model: LoadedModel,
  record: StoredVersion,
  log: Logger,
  threads = 1,
): LoadedModel & { threadsReady?: Promise<boolean[]>; stopThreads?: () => Promise<number[]> } {
  if (tf.getBackend() !== "wasm" || threads < 1) return model;
  const onFail = (error: Error) =>
    log.warn({ version: model.version, err: shortError(error) }, "a sampling thread failed; its draws go elsewhere");
  const all = Array.from({ length: threads }, () => startThread(record, onFail));
  let disposed = false;
  const pick = () => {
    let best: Thread | undefined;
    for (const t of all) if (t.ready && !t.failed && (!best || t.pending.size < best.pending.size)) best = t;
    return best;
  };
  return {
    ...model,
    threadsReady: Promise.all(all.map((t) => t.started)),
    /** Ends the threads alone, as if they had died (tests). */
    stopThreads: () => Promise.all(all.map((t) => t.worker.terminate())),
    async draw(settings, request) {
      const t = pick();
      if (!t) return drawQuatrains(model, settings, request);
      // A thread that fails mid-draw: the same request drawn here gives the same quatrains (seeded).
      return drawOn(t, settings, request).catch(() => drawQuatrains(model, settings, request));
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      for (const t of all) {
        t.worker.removeAllListeners("exit");
        t.failed = true;
        for (const p of t.pending.values()) p.reject(new Error("sampling thread closed"));
        t.pending.clear();
        void t.worker.terminate();
      }
      model.dispose();
    },
  };
}
