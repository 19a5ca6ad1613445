import type { BackendName } from "../backend.ts";

/** What a gradient worker is started with (worker_threads workerData). */
export interface WorkerInit {
  backend: BackendName;
  /** model.toJSON(null, false): the replica's topology. */
  topology: unknown;
  /** Every weight of the model (model.getWeights() order) at the start, for the replica. */
  initialWeights: Float32Array[];
  /** float32 [V]. */
  classWeights: Float32Array;
  /** Main thread's trainable weights, flat (see FlatLayout); read at the start of each step. */
  weights: SharedArrayBuffer;
  /** This worker's gradients, flat, written at the end of each step. */
  grads: SharedArrayBuffer;
}

/** Main → worker: compute gradients on this shard. */
export interface ShardRequest {
  type: "shard";
  /** int32 [size, phraseLength]. */
  inputs: Int32Array;
  /** int32 [size]. */
  targets: Int32Array;
  size: number;
  phraseLength: number;
  /** Targets per row, for whole quatrains (absent: one, windows). */
  targetWidth?: number;
  /** True when the weights buffer changed since the worker last read it. */
  weightsChanged: boolean;
}

/** Worker → main. */
export type WorkerReply =
  | { type: "ready" }
  | { type: "done"; loss: number; acc: number }
  | { type: "error"; message: string; stack?: string };
