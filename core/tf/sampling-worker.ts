// A sampling helper thread: its own wasm backend and copy of the weights, drawing next words for
// the rows the main thread hands it (see SamplingHelper in sampling-helper.ts).
import { parentPort, workerData } from "node:worker_threads";
import { initBackend, type BackendName } from "./backend.ts";
import { gruWeights, type GruArrays } from "./gru-weights.ts";
import { productsFor } from "./products.ts";
import { drawBatch, Scratch, type DrawBatch } from "./sampling-pass.ts";

export interface HelperInit {
  backend: BackendName;
  arrays: GruArrays;
}
export type HelperRequest = DrawBatch & { id: number };
export type HelperReply =
  | { type: "ready" }
  | { type: "drawn"; id: number; ids: Int32Array }
  | { type: "failed"; id: number; message: string };

const port = parentPort!;
const init = workerData as HelperInit;
await initBackend({ preference: init.backend, syncReads: true });
const weights = gruWeights(init.arrays);
const products = productsFor();
const scratch = new Scratch();
port.on("message", (request: HelperRequest) => {
  let reply: HelperReply;
  try {
    reply = { type: "drawn", id: request.id, ids: drawBatch(weights, products, scratch, request) };
  } catch (e) {
    reply = { type: "failed", id: request.id, message: (e as Error).message };
  }
  port.postMessage(reply);
});
port.postMessage({ type: "ready" } satisfies HelperReply);
