import { availableParallelism } from "node:os";
import * as tf from "@tensorflow/tfjs";
import type { NextWordDraw, SequenceSampler, SequenceStream } from "../model/sample.ts";
import { sequenceArrays } from "../model/sequence-model.ts";
import { productsFor } from "./products.ts";
import { sequenceEngine, type PassRow } from "./sequence-engine.ts";
import { SequenceHelper } from "./sequence-helper.ts";

/** A SequenceSampler that owns tensors (and maybe a helper thread): dispose() when the model version is replaced. */
export interface FastSequenceSampler extends SequenceSampler {
  /**
   * Starts the helper thread now rather than at the first large pass.
   * @returns whether it serves (false: not wanted here, or it failed to start)
   */
  startHelper(): Promise<boolean>;
  dispose(): void;
}

export interface SequenceSamplerOptions {
  /** Most streams stepped in one batched pass (more wait a round). Default 256. */
  maxBatch?: number;
  /** On wasm, call the backend's kernels directly (default); false goes through tf ops. */
  direct?: boolean;
  /**
   * On wasm with more than one core, a helper worker thread (started in the background the first
   * time a pass has `helperFrom` draws) takes `helperShare` of each such pass. Default true.
   */
  helperThread?: boolean;
  /** Fewest draws in a pass worth a helper round trip. Default 8. */
  helperFrom?: number;
  /** Share of a large pass's draws the helper takes. Default 0.5. */
  helperShare?: number;
}

interface Stream {
  /** Per GRU layer, [H]. */
  h: Float32Array[];
  closed: boolean;
}

interface Job extends PassRow {
  stream: Stream;
  resolve: (v: number | Float32Array) => void;
  reject: (e: unknown) => void;
}

/**
 * The fast sampler of the sequence model: each quatrain's GRU state is carried from word to word
 * (one step per word, per layer) on cached weights (sequence-engine.ts). Streams that ask in the
 * same turn of the event loop (concurrent quatrains) are stepped together in one batched pass; on
 * wasm a helper thread takes part of a large pass, the streams' states travelling with it. Its
 * logits equal the model's over the whole prefix (test/core/tf/sequence-sampler.test.ts).
 */
export function sequenceSampler(model: tf.LayersModel, opts: SequenceSamplerOptions = {}): FastSequenceSampler {
  const maxBatch = opts.maxBatch ?? 256;
  const arrays = sequenceArrays(model);
  const engine = sequenceEngine(arrays, productsFor(opts.direct ?? true));
  const { vocabSize: V, units: H, layers: L } = engine;
  const helperWanted =
    (opts.helperThread ?? true) && tf.getBackend() === "wasm" && (opts.direct ?? true) && availableParallelism() > 1;
  const helperFrom = opts.helperFrom ?? 8;
  const helperShare = opts.helperShare ?? 0.5;
  let helper: SequenceHelper | undefined;
  let queue: Job[] = [];
  let scheduled = false;
  let running = false;
  let disposed = false;
  const startHelper = () => {
    if (helper === undefined && helperWanted && !disposed) helper = new SequenceHelper("wasm", arrays);
    return helper;
  };

  const serveHere = (jobs: Job[]) => {
    try {
      const out = engine.pass(jobs);
      jobs.forEach((j, i) => j.resolve(out[i]));
    } catch (e) {
      jobs.forEach((j) => j.reject(e));
    }
  };

  /** The helper's share: the states go with the request and come back stepped. */
  const serveThere = async (jobs: Job[]) => {
    const states = new Float32Array(jobs.length * L * H);
    jobs.forEach((j, b) => j.h.forEach((h, l) => states.set(h, (b * L + l) * H)));
    let reply: { ids: Int32Array; states: Float32Array } | undefined;
    try {
      reply = await helper!.draw({
        states,
        tokens: jobs.map((j) => [...j.tokens]),
        draws: jobs.map((j) => j.want as NextWordDraw),
      });
    } catch {
      // The helper failed: serve its share here (the states are untouched).
      serveHere(jobs);
      return;
    }
    jobs.forEach((j, b) => {
      j.h.forEach((h, l) => h.set(reply.states.subarray((b * L + l) * H, (b * L + l + 1) * H)));
      j.resolve(reply.ids[b]);
    });
  };

  const serve = async (round: Job[]) => {
    const draws = round.filter((j) => j.want !== null && j.want !== "scores");
    if (draws.length >= helperFrom) startHelper();
    const share = helper?.ready && draws.length >= helperFrom ? Math.floor(draws.length * helperShare) : 0;
    const remote = draws.slice(0, share);
    const local = round.filter((j) => !remote.includes(j));
    const there = share > 0 ? serveThere(remote) : undefined;
    if (local.length) serveHere(local);
    await there;
  };

  const flush = async () => {
    scheduled = false;
    running = true;
    const round = queue.splice(0, maxBatch);
    try {
      await serve(round);
    } catch (e) {
      // A throw outside a job's own settling (starting the helper) would otherwise leave the round waiting forever.
      round.forEach((job) => job.reject(e));
    } finally {
      running = false;
      if (queue.length > 0) schedule();
    }
  };
  const schedule = () => {
    if (scheduled || running) return;
    scheduled = true;
    // After the current microtasks: every stream resumed this turn has queued its step.
    setImmediate(() => void flush());
  };

  const enqueue = <T extends number | Float32Array>(stream: Stream, tokens: readonly number[], want: Job["want"]) => {
    if (disposed) return Promise.reject(new Error("sequenceSampler: used after dispose()"));
    if (stream.closed) return Promise.reject(new Error("sequenceSampler: stream used after close()"));
    for (const id of tokens)
      if (!(Number.isInteger(id) && id >= 0 && id < V))
        return Promise.reject(new Error(`sequenceSampler: class id ${id} is not in [0, ${V - 1}]`));
    return new Promise<T>((resolve, reject) => {
      queue.push({ stream, h: stream.h, tokens, want, resolve: resolve as Job["resolve"], reject });
      schedule();
    });
  };

  return {
    vocabSize: V,
    kind: "sequence",
    open(): SequenceStream {
      const stream: Stream = { h: Array.from({ length: L }, () => new Float32Array(H)), closed: false };
      return {
        next: (tokens, draw) => enqueue<number>(stream, tokens, draw ?? null),
        scores: () => enqueue<Float32Array>(stream, [], "scores"),
        close: () => {
          stream.closed = true;
        },
      };
    },
    async startHelper() {
      return (await startHelper()?.started) ?? false;
    },
    dispose() {
      disposed = true;
      queue.forEach((j) => j.reject(new Error("sequenceSampler: disposed")));
      queue = [];
      engine.dispose();
      void helper?.close();
    },
  };
}
