// A sampling thread (see sampling-thread.ts): model versions loaded from their records on this
// thread's own wasm backend, drawing whole quatrains for the serving thread. The thread outlives
// versions: a new one is loaded into it beside the old, so a retrain costs a model load, not a
// thread's start (its modules and backend).
import { parentPort } from "node:worker_threads";
import { initBackend } from "../tf/backend.ts";
import { fastSamplerFor } from "../tf/sampler.ts";
import type { DrawRequest, Drawn, LoadedModel, ProphecySettings } from "./loaded-model.ts";
import { loadModel, type StoredVersion } from "./load-model.ts";
import { drawQuatrains } from "./prophesy.ts";

export type ThreadRequest =
  | { type: "load"; key: number; record: StoredVersion }
  | { type: "unload"; key: number }
  | { type: "draw"; id: number; key: number; settings: ProphecySettings; request: DrawRequest };
export type ThreadReply =
  | { type: "started" }
  | { type: "loaded"; key: number }
  | { type: "load-failed"; key: number; message: string }
  | { type: "drawn"; id: number; drawn: Drawn[] }
  | { type: "failed"; id: number; message: string };

const port = parentPort!;
const send = (reply: ThreadReply) => port.postMessage(reply);
/** By attachment key (the serving thread's: a version attached twice, after a rollback, is two). */
const models = new Map<number, LoadedModel>();

await initBackend({ preference: "wasm", syncReads: true });
port.on("message", (m: ThreadRequest) => {
  if (m.type === "load") {
    // No helper thread of its own: this thread is the second core's work already.
    loadModel(m.record, (model) => fastSamplerFor(model, { helperThread: false })).then(
      (model) => {
        models.get(m.key)?.dispose();
        models.set(m.key, model);
        send({ type: "loaded", key: m.key });
      },
      (error: unknown) => send({ type: "load-failed", key: m.key, message: (error as Error).message }),
    );
  } else if (m.type === "unload") {
    models.get(m.key)?.dispose();
    models.delete(m.key);
  } else {
    const model = models.get(m.key);
    if (!model) return send({ type: "failed", id: m.id, message: `model ${m.key} is not loaded here` });
    drawQuatrains(model, m.settings, m.request).then(
      (drawn) => send({ type: "drawn", id: m.id, drawn }),
      (error: unknown) => send({ type: "failed", id: m.id, message: (error as Error).message }),
    );
  }
});
send({ type: "started" });
