import type { Worker } from "node:worker_threads";
import type { BackendName } from "./backend.ts";
import type { GruArrays } from "./gru-weights.ts";
import { startTsWorker } from "./parallel/ts-worker.ts";
import type { DrawBatch } from "./sampling-pass.ts";
import type { HelperInit, HelperReply, HelperRequest } from "./sampling-worker.ts";

/**
 * A worker thread that draws next words on a second core (the wasm backend is single-threaded):
 * the fast scorer hands it part of a large batch and serves the rest itself meanwhile. It
 * starts in the background; until it is ready (or if it fails) `ready` is false and the scorer
 * serves everything itself. It holds the process open only while a request is in flight.
 */
export class SamplingHelper {
  private worker: Worker;
  private pending = new Map<number, { resolve: (ids: Int32Array) => void; reject: (e: Error) => void }>();
  private nextId = 0;
  ready = false;
  failed: Error | undefined;
  /** Resolves true once the helper serves, false if it failed first. */
  readonly started: Promise<boolean>;
  private settleStarted!: (ok: boolean) => void;

  constructor(backend: BackendName, arrays: GruArrays) {
    this.started = new Promise<boolean>((resolve) => (this.settleStarted = resolve));
    const init: HelperInit = { backend, arrays };
    this.worker = startTsWorker(new URL("./sampling-worker.ts", import.meta.url), init);
    this.worker.unref();
    this.worker.on("message", (m: HelperReply) => {
      if (m.type === "ready") {
        this.ready = true;
        this.settleStarted(true);
        return;
      }
      const waiting = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (this.pending.size === 0) this.worker.unref();
      if (m.type === "drawn") waiting?.resolve(m.ids);
      else waiting?.reject(new Error(`sampling helper: ${m.message}`));
    });
    const fail = (e: Error) => {
      this.failed ??= e;
      this.ready = false;
      this.settleStarted(false);
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
    };
    this.worker.on("error", fail);
    this.worker.on("exit", (code) => fail(new Error(`sampling helper exited with code ${code}`)));
  }

  draw(batch: DrawBatch): Promise<Int32Array> {
    if (!this.ready) return Promise.reject(this.failed ?? new Error("sampling helper not ready"));
    const id = this.nextId++;
    if (this.pending.size === 0) this.worker.ref();
    return new Promise<Int32Array>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...batch, id } satisfies HelperRequest);
    });
  }

  async close(): Promise<void> {
    this.ready = false;
    this.settleStarted(false);
    this.worker.removeAllListeners("exit");
    for (const p of this.pending.values()) p.reject(new Error("sampling helper closed"));
    this.pending.clear();
    await this.worker.terminate();
  }
}
