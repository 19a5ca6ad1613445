import * as tf from "@tensorflow/tfjs";
import {
  drawFromProbabilities,
  drawsFromProbabilities,
  DrawScratch,
  drawToken,
  temperedInto,
  type NextWordDraw,
  type SequenceSampler,
  type SequenceStream,
} from "../model/sample.ts";
import { sequenceArrays } from "../model/sequence-model.ts";
import { productsFor, type Products } from "./products.ts";

/** A SequenceSampler that owns tensors: dispose() when the model version is replaced. */
export interface FastSequenceSampler extends SequenceSampler {
  dispose(): void;
}

export interface SequenceSamplerOptions {
  /** Most streams stepped in one batched pass (more wait a round). Default 256. */
  maxBatch?: number;
  /** On wasm, call the backend's kernels directly (default); false goes through tf ops. */
  direct?: boolean;
}

interface Stream {
  /** Per GRU layer, [H]. */
  h: Float32Array[];
  closed: boolean;
}

interface Job {
  stream: Stream;
  tokens: readonly number[];
  /** A draw, "scores" for the logits, or null for reading only. */
  want: NextWordDraw | "scores" | null;
  resolve: (v: number | Float32Array) => void;
  reject: (e: unknown) => void;
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/**
 * The fast sampler of the sequence model: each quatrain's GRU state is carried from word to word
 * (one step per word, per layer), on cached weights — the first layer's input gates a table
 * lookup (embedding @ kernel + bias per word), the products on the backend's kernels (called
 * directly on wasm), the gates in JS, drawToken inside the pass. Streams that ask in the same turn
 * of the event loop (concurrent quatrains) are stepped together in one batched pass. Its logits
 * equal the model's over the whole prefix (test/core/tf/sequence-sampler.test.ts).
 */
export function sequenceSampler(model: tf.LayersModel, opts: SequenceSamplerOptions = {}): FastSequenceSampler {
  const maxBatch = opts.maxBatch ?? 256;
  const a = sequenceArrays(model);
  const { vocabSize: V, units: H, embeddingDim: E } = a;
  const H3 = 3 * H;
  const layers = a.grus.length;
  // First layer's input half of every gate, per word: embedding @ kernel + bias.
  const table = tf.tidy(() =>
    tf.add(tf.matMul(tf.tensor2d(a.embedding, [V, E]), tf.tensor2d(a.grus[0]!.kernel, [E, H3])), a.grus[0]!.bias),
  );
  const inputGates = (table.dataSync() as Float32Array).slice();
  table.dispose();
  const recurrent = a.grus.map((g) => tf.tensor2d(g.recurrent, [H, H3]));
  const kernels = a.grus.map((g, l) => (l === 0 ? null : tf.tensor2d(g.kernel, [H, H3])));
  // [H + 1, V]: the output kernel with its bias as the last row.
  const outputWithBias = new Float32Array((H + 1) * V);
  outputWithBias.set(a.output);
  outputWithBias.set(a.outputBias, H * V);
  const output = tf.tensor2d(outputWithBias, [H + 1, V]);
  const products: Products = productsFor(opts.direct ?? true);
  const scratch = new DrawScratch();
  let queue: Job[] = [];
  let scheduled = false;
  let running = false;
  let disposed = false;
  let buffers = {
    rows: 0,
    x: new Float32Array(0),
    h: new Float32Array(0),
    xg: new Float32Array(0),
    tempered: new Float32Array(0),
  };
  const fit = (rows: number) => {
    if (buffers.rows < rows)
      buffers = {
        rows,
        x: new Float32Array(rows * (H + 1)),
        h: new Float32Array(rows * H),
        xg: new Float32Array(rows * H3),
        tempered: new Float32Array(rows * V),
      };
    return buffers;
  };

  /** One step of every layer for `rows` streams reading ids[b]. */
  const step = (streams: Stream[], ids: Int32Array, rows: number) => {
    const { h, xg } = fit(rows);
    for (let l = 0; l < layers; l++) {
      const g = a.grus[l]!;
      if (l === 0) {
        for (let b = 0; b < rows; b++) xg.set(inputGates.subarray(ids[b]! * H3, (ids[b]! + 1) * H3), b * H3);
      } else {
        // The layer below's new state (in h) times this layer's kernel, plus its bias.
        const px = products.matMul(h, rows, kernels[l]!);
        for (let b = 0; b < rows; b++) for (let j = 0; j < H3; j++) xg[b * H3 + j] = px[b * H3 + j]! + g.bias[j]!;
      }
      for (let b = 0; b < rows; b++) h.set(streams[b]!.h[l]!, b * H);
      const u = products.matMul(h, rows, recurrent[l]!);
      const bU = g.recurrentBias;
      for (let b = 0; b < rows; b++) {
        const state = streams[b]!.h[l]!;
        const x = b * H3;
        for (let j = 0; j < H; j++) {
          const z = sigmoid(xg[x + j]! + u[x + j]! + bU[j]!);
          const r = sigmoid(xg[x + H + j]! + u[x + H + j]! + bU[H + j]!);
          const n = Math.tanh(xg[x + 2 * H + j]! + r * (u[x + 2 * H + j]! + bU[2 * H + j]!));
          state[j] = z * state[j]! + (1 - z) * n;
        }
        h.set(state, b * H);
      }
    }
  };

  /** One round: every job's tokens read (streams stepped together), then the output layer for those that want it. */
  const serve = (round: Job[]) => {
    try {
      const longest = round.reduce((m, j) => Math.max(m, j.tokens.length), 0);
      for (let t = 0; t < longest; t++) {
        const reading = round.filter((j) => j.tokens.length > t);
        const ids = Int32Array.from(reading, (j) => j.tokens[t]!);
        step(
          reading.map((j) => j.stream),
          ids,
          reading.length,
        );
      }
      const asking = round.filter((j) => j.want !== null);
      if (asking.length > 0) {
        const { x } = fit(asking.length);
        asking.forEach((j, b) => {
          x.set(j.stream.h[layers - 1]!, b * (H + 1));
          x[b * (H + 1) + H] = 1;
        });
        const logits = products.matMul(x, asking.length, output);
        // Untruncated draws: tempered scores, then one vectorised softmax for all of them (Math.exp
        // per word costs ~30 ns, ×V per word); the rest now, before the next product reuses the heap.
        const { tempered } = buffers;
        const soft: Job[] = [];
        asking.forEach((j, b) => {
          const row = logits.subarray(b * V, (b + 1) * V);
          if (j.want === "scores") j.resolve(row.slice());
          else if (drawsFromProbabilities(j.want!, V)) {
            temperedInto(tempered.subarray(soft.length * V, (soft.length + 1) * V), row, j.want!);
            soft.push(j);
          } else j.resolve(drawToken(row, j.want!, scratch));
        });
        if (soft.length > 0) {
          const probs = products.softmax(tempered, soft.length, V);
          soft.forEach((j, r) =>
            j.resolve(drawFromProbabilities(probs.subarray(r * V, (r + 1) * V), j.want as NextWordDraw, scratch)),
          );
        }
      }
      round.filter((j) => j.want === null).forEach((j) => j.resolve(-1));
    } catch (e) {
      round.forEach((j) => j.reject(e));
    } finally {
      products.release();
    }
  };

  const flush = () => {
    scheduled = false;
    running = true;
    const round = queue.splice(0, maxBatch);
    try {
      serve(round);
    } finally {
      running = false;
      if (queue.length > 0) schedule();
    }
  };
  const schedule = () => {
    if (scheduled || running) return;
    scheduled = true;
    // After the current microtasks: every stream resumed this turn has queued its step.
    setImmediate(flush);
  };

  const enqueue = <T extends number | Float32Array>(stream: Stream, tokens: readonly number[], want: Job["want"]) => {
    if (disposed) return Promise.reject(new Error("sequenceSampler: used after dispose()"));
    if (stream.closed) return Promise.reject(new Error("sequenceSampler: stream used after close()"));
    for (const id of tokens)
      if (!(Number.isInteger(id) && id >= 0 && id < V))
        return Promise.reject(new Error(`sequenceSampler: class id ${id} is not in [0, ${V - 1}]`));
    return new Promise<T>((resolve, reject) => {
      queue.push({ stream, tokens, want, resolve: resolve as Job["resolve"], reject });
      schedule();
    });
  };

  return {
    vocabSize: V,
    kind: "sequence",
    open(): SequenceStream {
      const stream: Stream = { h: a.grus.map(() => new Float32Array(H)), closed: false };
      return {
        next: (tokens, draw) => enqueue<number>(stream, tokens, draw ?? null),
        scores: () => enqueue<Float32Array>(stream, [], "scores"),
        close: () => {
          stream.closed = true;
        },
      };
    },
    dispose() {
      disposed = true;
      queue.forEach((j) => j.reject(new Error("sequenceSampler: disposed")));
      queue = [];
      tf.dispose([...recurrent, ...kernels.filter((k): k is tf.Tensor2D => k !== null), output]);
    },
  };
}
