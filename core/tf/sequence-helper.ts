import type { Worker } from "node:worker_threads";
import type { SequenceArrays } from "../model/sequence-model.ts";
import type { BackendName } from "./backend.ts";
import { startTsWorker } from "./parallel/ts-worker.ts";
import type { SequenceHelperInit, SequenceHelperReply, SequenceHelperRequest } from "./sequence-worker.ts";

/**
 * A worker thread that steps and draws for part of the sequence sampler's streams on a second core
 * (the wasm backend is single-threaded). The streams' states are small ([layers × H] each), so they
 * travel with each request and come back stepped. Starts in the background; until it is ready (or
 * if it fails) `ready` is false and the sampler serves everything itself. It holds the process
 * open only while a request is in flight.
 */
export class SequenceHelper {
  private worker: Worker;
  private pending = new Map<
    number,
    { resolve: (r: { ids: Int32Array; states: Float32Array }) => void; reject: (e: Error) => void }
  >();
  private nextId = 0;
  ready = false;
  failed: Error | undefined;
  /** Resolves true once the helper serves, false if it failed first. */
  readonly started: Promise<boolean>;
  private settleStarted!: (ok: boolean) => void;

  constructor(backend: BackendName, arrays: SequenceArrays) {
    this.started = new Promise<boolean>((resolve) => (this.settleStarted = resolve));
    const init: SequenceHelperInit = { backend, arrays };
    this.worker = startTsWorker(new URL("./sequence-worker.ts", import.meta.url), init);
    this.worker.unref();
    this.worker.on("message", (m: SequenceHelperReply) => {
      if (m.type === "ready") {
        this.ready = true;
        this.settleStarted(true);
        return;
      }
      const waiting = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (this.pending.size === 0) this.worker.unref();
      if (m.type === "drawn") waiting?.resolve({ ids: m.ids, states: m.states });
      else waiting?.reject(new Error(`sequence helper: ${m.message}`));
    });
    const fail = (e: Error) => {
      this.failed ??= e;
      this.ready = false;
      this.settleStarted(false);
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
    };
    this.worker.on("error", fail);
    this.worker.on("exit", (code) => fail(new Error(`sequence helper exited with code ${code}`)));
  }

  draw(request: Omit<SequenceHelperRequest, "id">): Promise<{ ids: Int32Array; states: Float32Array }> {
    if (!this.ready) return Promise.reject(this.failed ?? new Error("sequence helper not ready"));
    const id = this.nextId++;
    if (this.pending.size === 0) this.worker.ref();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...request, id } satisfies SequenceHelperRequest);
    });
  }

  async close(): Promise<void> {
    this.ready = false;
    this.settleStarted(false);
    this.worker.removeAllListeners("exit");
    for (const p of this.pending.values()) p.reject(new Error("sequence helper closed"));
    this.pending.clear();
    await this.worker.terminate();
  }
}
