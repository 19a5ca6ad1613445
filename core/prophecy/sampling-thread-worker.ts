// A sampling thread (see sampling-thread.ts): the model version loaded from its record on this
// thread's own wasm backend, drawing whole quatrains for the serving thread.
import { parentPort, workerData } from "node:worker_threads";
import { initBackend } from "../tf/backend.ts";
import { fastSamplerFor } from "../tf/sampler.ts";
import type { DrawRequest, Drawn, ProphecySettings } from "./loaded-model.ts";
import { loadModel, type StoredVersion } from "./load-model.ts";
import { drawQuatrains } from "./prophesy.ts";

export interface ThreadRequest {
  id: number;
  settings: ProphecySettings;
  request: DrawRequest;
}
export type ThreadReply =
  | { type: "ready" }
  | { type: "drawn"; id: number; drawn: Drawn[] }
  | { type: "failed"; id: number; message: string };

const port = parentPort!;
const { record } = workerData as { record: StoredVersion };
await initBackend({ preference: "wasm", syncReads: true });
// No helper thread of its own: this thread is the second core's work already.
const model = await loadModel(record, (m) => fastSamplerFor(m, { helperThread: false }));
port.on("message", (m: ThreadRequest) => {
  drawQuatrains(model, m.settings, m.request).then(
    (drawn) => port.postMessage({ type: "drawn", id: m.id, drawn } satisfies ThreadReply),
    (error: unknown) =>
      port.postMessage({ type: "failed", id: m.id, message: (error as Error).message } satisfies ThreadReply),
  );
});
port.postMessage({ type: "ready" } satisfies ThreadReply);
