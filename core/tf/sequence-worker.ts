// A helper thread of the sequence sampler: its own wasm backend and copy of the weights; it steps
// the streams the main thread hands it (their states travel with the request) and draws their next
// words (see SequenceHelper in sequence-helper.ts).
import { parentPort, workerData } from "node:worker_threads";
import type { NextWordDraw } from "../model/sample.ts";
import type { SequenceArrays } from "../model/sequence-model.ts";
import { initBackend, type BackendName } from "./backend.ts";
import { productsFor } from "./products.ts";
import { sequenceEngine } from "./sequence-engine.ts";

export interface SequenceHelperInit {
  backend: BackendName;
  arrays: SequenceArrays;
}
export interface SequenceHelperRequest {
  id: number;
  /** Per row, its layers' states one after another ([layers × H]); changed states come back. */
  states: Float32Array;
  tokens: number[][];
  draws: NextWordDraw[];
}
export type SequenceHelperReply =
  | { type: "ready" }
  | { type: "drawn"; id: number; ids: Int32Array; states: Float32Array }
  | { type: "failed"; id: number; message: string };

const port = parentPort!;
const init = workerData as SequenceHelperInit;
await initBackend({ preference: init.backend, syncReads: true });
const engine = sequenceEngine(init.arrays, productsFor());
const H = engine.units;
const L = engine.layers;
port.on("message", (request: SequenceHelperRequest) => {
  let reply: SequenceHelperReply;
  try {
    const rows = request.tokens.map((tokens, b) => ({
      h: Array.from({ length: L }, (_, l) => request.states.subarray((b * L + l) * H, (b * L + l + 1) * H)),
      tokens,
      want: request.draws[b],
    }));
    const ids = Int32Array.from(engine.pass(rows) as number[]);
    reply = { type: "drawn", id: request.id, ids, states: request.states };
  } catch (e) {
    reply = { type: "failed", id: request.id, message: (e as Error).message };
  }
  port.postMessage(reply);
});
port.postMessage({ type: "ready" } satisfies SequenceHelperReply);
