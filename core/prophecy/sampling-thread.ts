// Sampling off the event loop: worker threads, each holding its own copy of the model versions in
// use, draw whole quatrains (drawQuatrains: every word, the copy check and the redraws), one message
// each way per request, so parsing, signature checks, database writes and replies on the serving
// thread never wait behind a batch of draws. Concurrent requests still meet in a thread's batched
// passes. The threads are a pool that outlives versions: a new version is loaded into the running
// threads (a model load), not into new ones (a thread's start: its modules and backend, ~1 s of CPU
// each, which at a retrain's swap competed with serving: p99 over 1 s).
import * as tf from "@tensorflow/tfjs";
import type { Worker } from "node:worker_threads";
import { shortError } from "../errors.ts";
import type { Logger } from "../logger.ts";
import { startTsWorker } from "../tf/parallel/ts-worker.ts";
import type { DrawRequest, Drawn, LoadedModel, ProphecySettings } from "./loaded-model.ts";
import type { DeferredModel, StoredVersion } from "./load-model.ts";
import { drawQuatrains } from "./prophesy.ts";
import type { ThreadReply, ThreadRequest } from "./sampling-thread-worker.ts";

/** A thread that died is replaced, at most this often. */
const RESTART_AFTER_MS = 5_000;

/** One sampling thread: its draws in flight, the versions it has loaded (or is loading). */
interface Thread {
  worker: Worker;
  pending: Map<number, { resolve: (d: Drawn[]) => void; reject: (e: Error) => void }>;
  loading: Map<number, (ok: boolean) => void>;
  loaded: Set<number>;
  failed: boolean;
}

export type ThreadedModel = LoadedModel & {
  /** Per thread, whether it loaded this version (false: failed; its draws go elsewhere). */
  threadsReady?: Promise<boolean[]>;
  /** Ends the threads alone, as if they had died (tests). */
  stopThreads?: () => Promise<number[]>;
};

export interface SamplingThreads {
  /**
   * `model` with its draws handed to the threads, once they have loaded `record`; a deferred model
   * builds its network here only if a draw falls back to this thread.
   */
  attach(model: LoadedModel | DeferredModel, record: StoredVersion): ThreadedModel;
  close(): Promise<void>;
}

let nextId = 0;

/** `model` with `parts` replaced: its getters copied as getters (a deferred model's throw when read). */
function withParts<T extends LoadedModel>(model: T, parts: Partial<ThreadedModel>): ThreadedModel {
  return Object.defineProperties(
    {},
    { ...Object.getOwnPropertyDescriptors(model), ...Object.getOwnPropertyDescriptors(parts) },
  ) as ThreadedModel;
}

/**
 * `count` sampling threads (on the wasm backend only: the native ones use every core already), or
 * null. The one with the fewest draws in flight takes the next. Until a thread has loaded a version,
 * and once every one has failed, draws run on the caller's thread: a request is never lost to a thread.
 */
export function samplingThreads(count: number, log: Logger): SamplingThreads | null {
  if (tf.getBackend() !== "wasm" || count < 1) return null;
  /** The models attached and not disposed, by attachment key: what a replacement thread loads. */
  const attached = new Map<number, StoredVersion>();
  let nextKey = 0;
  let closed = false;
  let lastRestart = 0;

  const post = (t: Thread, m: ThreadRequest) => t.worker.postMessage(m);

  /** Marks it failed: its draws rejected (drawn elsewhere), its loads answered false. */
  function abandon(t: Thread, error: Error): void {
    t.failed = true;
    t.loaded.clear();
    for (const done of t.loading.values()) done(false);
    t.loading.clear();
    for (const p of t.pending.values()) p.reject(error);
    t.pending.clear();
  }

  function load(t: Thread, key: number, record: StoredVersion): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      t.loading.set(key, resolve);
      post(t, { type: "load", key, record: { ...record, casing: { ...record.casing } } });
    });
  }

  function start(): Thread {
    const worker = startTsWorker(new URL("./sampling-thread-worker.ts", import.meta.url), {});
    worker.unref();
    const t: Thread = { worker, pending: new Map(), loading: new Map(), loaded: new Set(), failed: false };
    const fail = (error: Error) => {
      if (t.failed) return;
      abandon(t, error);
      if (closed) return;
      log.warn({ err: shortError(error) }, "a sampling thread failed; its draws go elsewhere");
      // Replaced (not too often: a thread that cannot start would otherwise spin).
      const wait = Math.max(0, lastRestart + RESTART_AFTER_MS - Date.now());
      setTimeout(() => {
        if (closed) return;
        lastRestart = Date.now();
        const next = start();
        threads[threads.indexOf(t)] = next;
        for (const [key, record] of attached) void load(next, key, record);
      }, wait).unref();
    };
    worker.on("message", (m: ThreadReply) => {
      if (m.type === "started") return;
      if (m.type === "loaded" || m.type === "load-failed") {
        if (m.type === "load-failed")
          log.debug(
            { version: attached.get(m.key)?.version, err: m.message },
            "a sampling thread could not load a version (the model source says why, once)",
          );
        else if (attached.has(m.key)) t.loaded.add(m.key);
        else post(t, { type: "unload", key: m.key }); // disposed while it loaded
        t.loading.get(m.key)?.(m.type === "loaded");
        t.loading.delete(m.key);
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

  const threads = Array.from({ length: count }, start);

  function drawOn(t: Thread, key: number, settings: ProphecySettings, request: DrawRequest): Promise<Drawn[]> {
    return new Promise<Drawn[]>((resolve, reject) => {
      const id = nextId++;
      if (t.pending.size === 0) t.worker.ref();
      t.pending.set(id, { resolve, reject });
      post(t, { type: "draw", id, key, settings, request });
    });
  }

  const pick = (key: number) => {
    let best: Thread | undefined;
    for (const t of threads)
      if (!t.failed && t.loaded.has(key) && (!best || t.pending.size < best.pending.size)) best = t;
    return best;
  };

  return {
    attach(model, record) {
      const key = nextKey++;
      attached.set(key, record);
      let disposed = false;
      return withParts(model, {
        threadsReady: Promise.all(threads.map((t) => (t.failed ? Promise.resolve(false) : load(t, key, record)))),
        stopThreads: () => Promise.all(threads.map((t) => t.worker.terminate())),
        async draw(settings, request) {
          const here = async () => drawQuatrains("full" in model ? await model.full() : model, settings, request);
          const t = pick(key);
          if (!t) return here();
          // A thread that fails mid-draw: the same request drawn here gives the same quatrains (seeded).
          return drawOn(t, key, settings, request).catch(here);
        },
        dispose() {
          if (disposed) return;
          disposed = true;
          attached.delete(key);
          for (const t of threads) {
            t.loaded.delete(key);
            if (!t.failed) post(t, { type: "unload", key });
          }
          model.dispose();
        },
      });
    },
    async close() {
      closed = true;
      for (const t of threads) {
        t.worker.removeAllListeners("exit");
        abandon(t, new Error("sampling thread closed"));
      }
      await Promise.all(threads.map((t) => t.worker.terminate()));
    },
  };
}
