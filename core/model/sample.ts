import * as tf from "@tensorflow/tfjs";
import { BREAK_ID } from "./examples.ts";
import type { RandomSource } from "./random.ts";

/**
 * Anything that scores the next word for batches of context windows: the model itself
 * (modelScorer) or a faster equivalent (core/tf's sampler must give the same distribution).
 */
export interface NextWordScorer {
  /** V. */
  readonly vocabSize: number;
  /** L: ids per window. */
  readonly phraseLength: number;
  /**
   * @param windows int32 row-major [batch, L] class ids
   * @returns float32 row-major [batch, V] log-probabilities or logits: softmax of a row is the
   *   model's next-word distribution for that window
   */
  scores(windows: Int32Array, batch: number): Promise<Float32Array>;
}

/** The reference scorer: model.predict, log of its softmax output. */
export function modelScorer(model: tf.LayersModel): NextWordScorer {
  const [, phraseLength] = model.inputs[0].shape as [number | null, number];
  const vocabSize = (model.outputs[0].shape as [number | null, number])[1];
  return {
    vocabSize,
    phraseLength,
    async scores(windows, batch) {
      const logProbs = tf.tidy(() => {
        const probs = model.predict(tf.tensor2d(windows, [batch, phraseLength], "int32")) as tf.Tensor2D;
        return tf.log(tf.maximum(probs, 1e-30));
      });
      try {
        return (await logProbs.data()) as Float32Array;
      } finally {
        logProbs.dispose();
      }
    },
  };
}

/**
 * A scorer that carries the model's state along a quatrain (the sequence model): one GRU step per
 * word instead of a window per word. Each quatrain opens its own stream.
 */
export interface SequenceSampler {
  readonly vocabSize: number;
  readonly kind: "sequence";
  /** A stream at the start of a quatrain, before any token (not even the start marker) is read. */
  open(): SequenceStream;
}

export interface SequenceStream {
  /**
   * Reads `tokens` (one step each), then draws the next word with drawToken when `draw` is given.
   * @returns the drawn id, or -1 without a draw
   */
  next(tokens: readonly number[], draw?: NextWordDraw): Promise<number>;
  /** The next-word scores (logits: softmax is the distribution) after the tokens read so far. */
  scores(): Promise<Float32Array>;
  /** Frees the stream's state. */
  close(): void;
}

/** Either kind of scorer sampleTokens takes. */
export type Scorer = NextWordScorer | SequenceSampler;

export const isSequenceSampler = (scorer: Scorer): scorer is SequenceSampler =>
  (scorer as Partial<SequenceSampler>).kind === "sequence";

/** The reference SequenceSampler: the whole prefix through the model at every word (slow; tests). */
export function modelSequenceSampler(model: tf.LayersModel): SequenceSampler {
  const vocabSize = (model.outputs[0].shape as number[]).at(-1)!;
  return {
    vocabSize,
    kind: "sequence",
    open() {
      const read: number[] = [];
      const scores = async () => {
        const logits = tf.tidy(() => {
          const out = model.predict(tf.tensor2d(read, [1, read.length], "int32")) as tf.Tensor3D;
          return tf.reshape(tf.slice(out, [0, read.length - 1, 0], [1, 1, vocabSize]), [vocabSize]);
        });
        try {
          return (await logits.data()) as Float32Array;
        } finally {
          logits.dispose();
        }
      };
      return {
        async next(tokens, draw) {
          read.push(...tokens);
          return draw ? drawToken(await scores(), draw) : -1;
        },
        scores,
        close() {},
      };
    },
  };
}

/** Below this temperature sampling is the arg-max (dividing by ~0 would overflow). The one cut-off. */
export const GREEDY_TEMPERATURE = 1e-6;

/** One next-word draw: temperature, truncation and the ids the constraints rule out. */
export interface NextWordDraw {
  /** > 0; ≤ GREEDY_TEMPERATURE is the arg-max (first on ties). */
  temperature: number;
  /** The uniform number in [0, 1) the draw consumes. */
  uniform: number;
  /** Keep only the k most likely words (0: all). */
  topK: number;
  /** Then keep the fewest most likely words whose mass reaches p (1: all). */
  topP: number;
  /** Then drop the words less likely than minP × the likeliest one's probability (0 or absent: none). */
  minP?: number;
  /**
   * Locally typical sampling (Meister et al. 2023), instead of top-k / top-p / min-p: keep the
   * words whose surprisal is closest to the distribution's entropy until their mass reaches this
   * (1 or absent: off).
   */
  typicalP?: number;
  /**
   * Added to the scores before the temperature: scale × log p(word) in the corpus (the frequency
   * prior; see SamplingRules.frequencyPrior). Absent or scale 0: none.
   */
  prior?: { logUnigram: Float32Array; scale: number };
  /** Subtracted from the scores of `penalized` before the temperature (presence penalty; 0 or absent: none). */
  penalty?: number;
  penalized?: readonly number[];
  /** Ids that get no mass. */
  banned: readonly number[];
  /**
   * When ≥ 0, the break marker is banned and its mass moves to this id (the sampler closes the
   * sentence: a quatrain that wants to end but has no terminal punctuation gets a full stop
   * first), unless this id is itself banned (then the mass is dropped).
   */
  breakInto: number;
}

/** Grows-only buffers of drawToken; one per sampling thread. */
export class DrawScratch {
  ids = new Int32Array(64);
  values = new Float64Array(64);
  exps = new Float64Array(0);
  banned = new Uint8Array(0);
  penalised = new Float32Array(0);
  /** drawFromProbabilities' bans: all 0 between its calls (set and cleared per id). */
  marks = new Uint8Array(0);
  fit(k: number, n: number): void {
    if (this.ids.length < k) [this.ids, this.values] = [new Int32Array(k), new Float64Array(k)];
    if (this.banned.length < n) this.banned = new Uint8Array(n);
  }
}

/**
 * The one draw function, for every path (model.predict's log-probabilities, the fast scorer's
 * logits): masks the banned ids (and folds the break marker into `breakInto`), keeps the top-k
 * scores (a heap: no sort or exp over the whole vocabulary), takes their softmax at the
 * temperature, cuts that to the top-p nucleus, and draws with `draw.uniform`, cumulating from the
 * most likely word. With no truncation at all it cumulates in id order instead (no sort); top-p
 * without top-k sorts the whole vocabulary, the slow case. Scores are
 * log-probabilities or logits (softmax is shift-invariant). When every id is banned the bans are
 * lifted (a tiny vocabulary cannot satisfy them).
 * @param scores [V] @returns the drawn id
 */
export function drawToken(given: ArrayLike<number>, draw: NextWordDraw, scratch = new DrawScratch()): number {
  let scores = given;
  const prior = draw.prior && draw.prior.scale !== 0 ? draw.prior : undefined;
  if ((draw.penalty && draw.penalized?.length) || prior) {
    // A copy with the prior added and the penalty subtracted (the caller's scores may be a view it reuses).
    if (scratch.penalised.length < given.length) scratch.penalised = new Float32Array(given.length);
    const copy = scratch.penalised.subarray(0, given.length);
    copy.set(given);
    if (prior) for (let i = 0; i < copy.length; i++) copy[i] += prior.scale * prior.logUnigram[i];
    if (draw.penalty && draw.penalized)
      for (const id of draw.penalized) if (id >= 0 && id < copy.length) copy[id] -= draw.penalty;
    scores = copy;
  }
  const n = scores.length;
  const k = draw.topK > 0 ? Math.min(draw.topK, n) : n;
  scratch.fit(k, n);
  const { ids, values, banned } = scratch;
  banned.fill(0, 0, n);
  for (const id of draw.banned) if (id >= 0 && id < n) banned[id] = 1;
  let into = -1;
  let intoScore = 0;
  if (draw.breakInto >= 0 && draw.breakInto < n) {
    if (!banned[draw.breakInto]) {
      into = draw.breakInto;
      const [a, b] = [scores[into], scores[BREAK_ID]];
      const m = Math.max(a, b);
      intoScore = m === -Infinity ? m : m + Math.log(Math.exp(a - m) + Math.exp(b - m));
    }
    banned[BREAK_ID] = 1;
  }
  // The one near-zero-temperature cut-off: at or below it the draw is the arg-max.
  const greedy = draw.temperature <= GREEDY_TEMPERATURE;
  if (draw.typicalP !== undefined && draw.typicalP < 1 && !greedy)
    return drawTypical(scores, draw, scratch, into, intoScore);
  if (k === n && draw.topP >= 1) return drawUntruncated(scores, draw, scratch, into, intoScore, greedy);
  // Min-heap of the k best (score desc, id asc on ties): ids[0] is the worst kept. Ids come in
  // ascending order, so a later id with the worst kept score ranks below it: only `s > worst` enters.
  let size = 0;
  const worse = (x: number, y: number) => values[x] < values[y] || (values[x] === values[y] && ids[x] > ids[y]);
  const swap = (x: number, y: number) => {
    const v = values[x];
    values[x] = values[y]!;
    values[y] = v;
    const id = ids[x];
    ids[x] = ids[y]!;
    ids[y] = id;
  };
  const siftDown = (at: number, end: number) => {
    for (;;) {
      const l = 2 * at + 1;
      let m = at;
      if (l < end && worse(l, m)) m = l;
      if (l + 1 < end && worse(l + 1, m)) m = l + 1;
      if (m === at) return;
      swap(at, m);
      at = m;
    }
  };
  let worst = -Infinity;
  for (let i = 0; i < n; i++) {
    if (size === k) {
      // The hot path: most ids fall below the worst kept score.
      const s = i === into ? intoScore : scores[i];
      if (!(s > worst) || banned[i]) continue;
      values[0] = s;
      ids[0] = i;
      siftDown(0, size);
      worst = values[0]!;
      continue;
    }
    if (banned[i]) continue;
    const s = i === into ? intoScore : scores[i];
    if (Number.isNaN(s)) continue;
    let at = size++;
    values[at] = s;
    ids[at] = i;
    while (at > 0 && worse(at, (at - 1) >> 1)) {
      swap(at, (at - 1) >> 1);
      at = (at - 1) >> 1;
    }
    worst = values[0]!;
  }
  if (size === 0) return drawToken(scores, { ...draw, banned: [], breakInto: -1 }, scratch);
  // Heap-sort in place: best first.
  for (let end = size - 1; end > 0; end--) {
    swap(0, end);
    siftDown(0, end);
  }
  const max = values[0];
  if (greedy || !Number.isFinite(max)) return ids[0];
  let sum = 0;
  for (let j = 0; j < size; j++) sum += values[j] = Math.exp((values[j] - max) / draw.temperature);
  let kept = size;
  if (draw.minP && draw.minP > 0) {
    // values[0] is the likeliest (exp 1 after the shift).
    while (kept > 1 && values[kept - 1] < draw.minP * values[0]) kept--;
    sum = 0;
    for (let j = 0; j < kept; j++) sum += values[j];
  }
  if (draw.topP < 1) {
    let mass = 0;
    for (let j = 0; j < kept; j++) {
      mass += values[j];
      if (mass >= draw.topP * sum) {
        kept = j + 1;
        break;
      }
    }
    sum = 0;
    for (let j = 0; j < kept; j++) sum += values[j];
  }
  let rest = draw.uniform * sum;
  for (let j = 0; j < kept; j++) {
    rest -= values[j];
    if (rest < 0) return ids[j];
  }
  return ids[kept - 1]; // rounding left a sliver of mass: the least likely kept id
}

/**
 * drawToken's typical-sampling path: the softmax at the temperature over the allowed ids, its
 * entropy, the ids ordered by |surprisal − entropy| (ties by id), the fewest whose mass reaches
 * typicalP kept, the draw cumulating in that order. Sorts the vocabulary: slower than the others.
 */
function drawTypical(
  scores: ArrayLike<number>,
  draw: NextWordDraw,
  scratch: DrawScratch,
  into: number,
  intoScore: number,
): number {
  const n = scores.length;
  const { banned } = scratch;
  const allowed: number[] = [];
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    if (banned[i]) continue;
    const s = i === into ? intoScore : scores[i];
    if (Number.isNaN(s)) continue;
    allowed.push(i);
    if (s > max) max = s;
  }
  if (allowed.length === 0) return drawToken(scores, { ...draw, banned: [], breakInto: -1 }, scratch);
  if (!Number.isFinite(max)) return allowed[0];
  const p = allowed.map((i) => Math.exp(((i === into ? intoScore : scores[i]) - max) / draw.temperature));
  const sum = p.reduce((a, b) => a + b, 0);
  let entropy = 0;
  for (let j = 0; j < p.length; j++) {
    p[j] = p[j] / sum;
    if (p[j] > 0) entropy -= p[j] * Math.log(p[j]);
  }
  const gap = (j: number) => (p[j] > 0 ? Math.abs(-Math.log(p[j]) - entropy) : Infinity);
  const order = p.map((_, j) => j).sort((a, b) => gap(a) - gap(b) || allowed[a] - allowed[b]);
  let kept = 0;
  let mass = 0;
  while (kept < order.length && mass < draw.typicalP! && p[order[kept]] > 0) mass += p[order[kept++]];
  let rest = draw.uniform * mass;
  for (let j = 0; j < kept; j++) {
    rest -= p[order[j]];
    if (rest < 0) return allowed[order[j]];
  }
  return allowed[order[Math.max(kept - 1, 0)]];
}

/** True when drawFromProbabilities draws as drawToken does: no top-k or top-p cut, above the greedy cut-off. */
export const drawsFromProbabilities = (draw: NextWordDraw, vocabSize: number): boolean =>
  (draw.topK <= 0 || draw.topK >= vocabSize) &&
  draw.topP >= 1 &&
  (draw.typicalP === undefined || draw.typicalP >= 1) &&
  draw.temperature > GREEDY_TEMPERATURE;

/**
 * The tempered scores of a draw: (score − penalty) / T, the penalty on `penalized`. Their softmax
 * is the draw's distribution before its bans (drawFromProbabilities applies those).
 */
export function temperedInto(out: Float32Array, scores: ArrayLike<number>, draw: NextWordDraw): void {
  const inverse = 1 / draw.temperature;
  const prior = draw.prior && draw.prior.scale !== 0 ? draw.prior : undefined;
  if (prior) for (let i = 0; i < scores.length; i++) out[i] = (scores[i] + prior.scale * prior.logUnigram[i]) * inverse;
  else for (let i = 0; i < scores.length; i++) out[i] = scores[i] * inverse;
  if (draw.penalty && draw.penalized) {
    for (const id of draw.penalized) if (id >= 0 && id < scores.length) out[id] -= draw.penalty * inverse;
  }
}

/**
 * drawToken's draw for an untruncated draw (drawsFromProbabilities), from `probs` = softmax of
 * temperedInto's scores (computed by the backend, vectorised, instead of one Math.exp per word):
 * the banned ids' mass dropped (softmax restricted = renormalised), the break marker's mass moved
 * to `breakInto`, min-p, then the cumulative walk in id order as drawToken's. Equal to drawToken
 * up to float rounding at a draw's boundary.
 */
export function drawFromProbabilities(
  probs: ArrayLike<number>,
  draw: NextWordDraw,
  scratch = new DrawScratch(),
): number {
  const n = probs.length;
  if (scratch.marks.length < n) scratch.marks = new Uint8Array(n);
  const banned = scratch.marks;
  // Marks set and cleared per id (no pass over the vocabulary: this runs for every word).
  const marked: number[] = [];
  const ban = (id: number) => {
    if (id >= 0 && id < n && !banned[id]) {
      banned[id] = 1;
      marked.push(id);
    }
  };
  try {
    for (const id of draw.banned) ban(id);
    let into = -1;
    let intoP = 0;
    if (draw.breakInto >= 0 && draw.breakInto < n) {
      if (!banned[draw.breakInto]) {
        into = draw.breakInto;
        intoP = probs[into] + probs[BREAK_ID];
      }
      ban(BREAK_ID);
    }
    // The softmax sums to 1: the allowed mass is 1 less the banned ids' (the break marker's moved, not lost).
    let sum = 1;
    for (const id of marked) sum -= probs[id];
    if (into >= 0) sum += probs[BREAK_ID];
    let floor = 0;
    if (draw.minP && draw.minP > 0) {
      let max = 0;
      for (let i = 0; i < n; i++) if (!banned[i]) max = Math.max(max, i === into ? intoP : probs[i]);
      floor = draw.minP * max;
      sum = 0;
      for (let i = 0; i < n; i++) {
        const q = banned[i] ? 0 : i === into ? intoP : probs[i];
        if (q >= floor) sum += q;
      }
    }
    if (!(sum > 0)) return drawToken(probs, { ...draw, banned: [], breakInto: -1 }, scratch);
    let rest = draw.uniform * sum;
    let last = -1;
    for (let i = 0; i < n; i++) {
      if (banned[i]) continue;
      const q = i === into ? intoP : probs[i];
      if (!(q > 0) || q < floor) continue;
      last = i;
      rest -= q;
      if (rest < 0) return i;
    }
    return last >= 0 ? last : drawToken(probs, { ...draw, banned: [], breakInto: -1 }, scratch);
  } finally {
    for (const id of marked) banned[id] = 0;
  }
}

/** drawToken without truncation: the max, then each exp once into scratch, then the draw in id order (no sort). */
function drawUntruncated(
  scores: ArrayLike<number>,
  draw: NextWordDraw,
  scratch: DrawScratch,
  into: number,
  intoScore: number,
  greedy: boolean,
): number {
  const n = scores.length;
  const { banned } = scratch;
  if (scratch.exps.length < n) scratch.exps = new Float64Array(n);
  const exps = scratch.exps;
  let max = -Infinity;
  let argMax = -1;
  for (let i = 0; i < n; i++) {
    const s = i === into ? intoScore : scores[i];
    if (!banned[i] && s > max) [max, argMax] = [s, i];
  }
  if (argMax < 0) return drawToken(scores, { ...draw, banned: [], breakInto: -1 }, scratch);
  if (greedy || !Number.isFinite(max)) return argMax;
  const inverse = 1 / draw.temperature;
  // min-p: p / p_max = exp((s − max) / T) ≥ minP.
  const floor = draw.minP && draw.minP > 0 ? draw.minP : 0;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const e = banned[i] ? 0 : Math.exp(((i === into ? intoScore : scores[i]) - max) * inverse);
    sum += exps[i] = e < floor ? 0 : e;
  }
  let rest = draw.uniform * sum;
  let last = argMax;
  for (let i = 0; i < n; i++) {
    if (!(exps[i] > 0)) continue;
    last = i;
    rest -= exps[i];
    if (rest < 0) return i;
  }
  return last; // rounding left a sliver of mass: the last possible id
}

/** What a model's vocabulary and corpus say about its tokens, for the sampling constraints. */
export interface SamplingVocabulary {
  /** Ids of punctuation tokens (`. , ; : ! ?`). */
  punctuation: ReadonlySet<number>;
  /** Ids of `.`, `!`, `?`. */
  terminal: ReadonlySet<number>;
  /** The id that closes a sentence (`.`), -1 when the vocabulary has none. */
  fullStop: number;
  /** Ids w whose bigram "w w" occurs in the corpus (they may repeat at once). */
  selfBigrams: ReadonlySet<number>;
  /** [V]: how often each id occurs per corpus quatrain on average (the presence penalty's allowance). */
  perQuatrain?: Float32Array;
  /** [V]: log of each id's share of the corpus' tokens, the end marker one per quatrain (add-one smoothed; the frequency prior). */
  logUnigram?: Float32Array;
}

/** Builds the SamplingVocabulary from the class words and the corpus as ids (one array per document). */
export function samplingVocabulary(
  words: readonly string[],
  documents: readonly (readonly number[])[],
): SamplingVocabulary {
  const punctuation = new Set<number>();
  const terminal = new Set<number>();
  words.forEach((w, id) => {
    if (id === BREAK_ID) return;
    if (/^[.,;:!?]+$/.test(w)) punctuation.add(id);
    if (/^[.!?]+$/.test(w)) terminal.add(id);
  });
  const selfBigrams = new Set<number>();
  for (const doc of documents) for (let i = 1; i < doc.length; i++) if (doc[i] === doc[i - 1]) selfBigrams.add(doc[i]);
  const perQuatrain = new Float32Array(words.length);
  for (const doc of documents) for (const id of doc) if (id >= 0 && id < words.length) perQuatrain[id] += 1;
  if (documents.length) for (let id = 0; id < perQuatrain.length; id++) perQuatrain[id] /= documents.length;
  const counts = Float64Array.from(perQuatrain, (r) => r * documents.length + 1);
  if (counts.length > BREAK_ID) counts[BREAK_ID] = documents.length + 1;
  const total = counts.reduce((a, b) => a + b, 0);
  const logUnigram = Float32Array.from(counts, (c) => Math.log(c / total));
  return { punctuation, terminal, fullStop: words.indexOf("."), selfBigrams, perQuatrain, logUnigram };
}

/** The sampler's constraints (config `sampling`); each can be switched off. */
export interface SamplingRules {
  /** 0: off. */
  topK: number;
  /** 1: off. */
  topP: number;
  /** No word twice in a row unless the corpus has that bigram. */
  noImmediateRepeat: boolean;
  /** No punctuation at the start or right after punctuation. */
  punctuationRules: boolean;
  /** The break marker only after `.`, `!` or `?`; its mass goes to `.` otherwise; a capped quatrain gets a `.`. */
  endOnTerminal: boolean;
  /** Drop words less likely than minP × the likeliest (0: off). */
  minP?: number;
  /** Locally typical sampling's mass (1: off). */
  typicalP?: number;
  /**
   * Subtracted from a word's score once the quatrain already has it more often than its allowance
   * (0: off). Punctuation is exempt.
   */
  presencePenalty?: number;
  /** A word's allowance: floor(this × its mean count per corpus quatrain); "the" may recur, "army" not. */
  repeatAllowance?: number;
  /**
   * γ of the frequency prior: scores + γ (T − 1) log p(word), so that the temperature sharpens (or
   * flattens) what the model says beyond the words' corpus frequency, not the frequency itself:
   * softmax = p(w | context)^(1/T) · p(w)^(γ (1 − 1/T)). Nothing at T = 1; 0: off.
   */
  frequencyPrior?: number;
}

/** The constraints as a plain sampler without them (and no truncation). */
export const NO_RULES: SamplingRules = {
  topK: 0,
  topP: 1,
  noImmediateRepeat: false,
  punctuationRules: false,
  endOnTerminal: false,
};

export interface SampleOptions {
  /** > 0; ≤ GREEDY_TEMPERATURE (e.g. 0) is greedy. */
  temperature: number;
  /** Length cap of the returned tokens, prefix included. */
  maxWords: number;
  /** Class ids the quatrain starts with (no break markers); they are part of the result. */
  prefix?: readonly number[];
  /** Uniform [0,1) source; seed it for reproducible quatrains. */
  random: RandomSource;
  /** The break marker cannot be drawn before this many tokens (a three-word "quatrain" is none). Default 0. */
  minWords?: number;
  /** Default NO_RULES. The vocabulary-based ones need `vocabulary`. */
  rules?: SamplingRules;
  vocabulary?: SamplingVocabulary;
}

/**
 * A scorer that also draws the next word itself (e.g. the draw fused into a batched pass).
 * drawNext must draw as drawToken(scores, draw) would.
 */
export interface NextWordSampler extends NextWordScorer {
  /** @param window int32 [L] class ids @returns the drawn class id */
  drawNext(window: Int32Array, draw: NextWordDraw): Promise<number>;
}

function isSampler(scorer: NextWordScorer): scorer is NextWordSampler {
  return typeof (scorer as Partial<NextWordSampler>).drawNext === "function";
}

/** The draw for the next token after `tokens`, under the rules. */
export function nextDraw(tokens: readonly number[], opts: SampleOptions, uniform: number): NextWordDraw {
  const rules = opts.rules ?? NO_RULES;
  const v = opts.vocabulary;
  const banned: number[] = [];
  let breakInto = -1;
  const last = tokens.length > 0 ? tokens[tokens.length - 1] : -1;
  if (tokens.length < (opts.minWords ?? 0)) banned.push(BREAK_ID);
  if (v) {
    if (rules.punctuationRules && (last < 0 || v.punctuation.has(last))) banned.push(...v.punctuation);
    if (rules.noImmediateRepeat && last >= 0 && !v.punctuation.has(last) && !v.selfBigrams.has(last)) banned.push(last);
    if (rules.endOnTerminal && !v.terminal.has(last)) {
      if (v.fullStop >= 0) breakInto = v.fullStop;
      else banned.push(BREAK_ID);
    }
  }
  const draw: NextWordDraw = {
    temperature: opts.temperature,
    uniform,
    topK: rules.topK,
    topP: rules.topP,
    banned,
    breakInto,
  };
  if (rules.minP) draw.minP = rules.minP;
  if (rules.frequencyPrior && v?.logUnigram && opts.temperature !== 1)
    draw.prior = { logUnigram: v.logUnigram, scale: rules.frequencyPrior * (opts.temperature - 1) };
  if (rules.typicalP !== undefined && rules.typicalP < 1) draw.typicalP = rules.typicalP;
  if (rules.presencePenalty && tokens.length > 0) {
    draw.penalty = rules.presencePenalty;
    draw.penalized = overused(tokens, v, rules.repeatAllowance ?? 0);
  }
  return draw;
}

/** The words of `tokens` used more often than their allowance (punctuation and the break marker exempt). */
function overused(tokens: readonly number[], v: SamplingVocabulary | undefined, allowance: number): number[] {
  const counts = new Map<number, number>();
  for (const t of tokens) if (t !== BREAK_ID && !v?.punctuation.has(t)) counts.set(t, (counts.get(t) ?? 0) + 1);
  const out: number[] = [];
  for (const [id, n] of counts) {
    const allowed = v?.perQuatrain ? Math.floor(allowance * (v.perQuatrain[id] ?? 0)) : 0;
    if (n > allowed) out.push(id);
  }
  return out;
}

/**
 * Samples one quatrain: starts from a window of break markers (then the prefix), draws each next
 * word with drawToken under the rules, stops at the break marker or the length cap. With
 * `endOnTerminal`, a quatrain that reaches the cap is closed with a full stop (replacing a
 * trailing comma or the like), the last resort. A scorer that is also a NextWordSampler draws the
 * word itself; either way each word consumes one `random()`, so a seed gives the same quatrain on
 * both paths (up to float rounding at a draw's boundary).
 * @returns class ids, prefix first, without break markers
 */
export async function sampleTokens(scorer: Scorer, opts: SampleOptions): Promise<number[]> {
  if (isSequenceSampler(scorer)) return sampleSequence(scorer, opts);
  const L = scorer.phraseLength;
  const tokens = [...(opts.prefix ?? [])];
  const v = opts.vocabulary;
  const closing = (opts.rules?.endOnTerminal ?? false) && v !== undefined && v.fullStop >= 0;
  const cap = closing ? opts.maxWords - 1 : opts.maxWords;
  const sampler = isSampler(scorer) ? scorer : undefined;
  const scratch = new DrawScratch();
  let ended = false;
  while (tokens.length < cap) {
    // The last L tokens, left-padded with break markers (a fresh window: a batching scorer may hold it until its pass).
    const window = new Int32Array(L);
    for (let k = 0; k < L; k++) {
      const i = tokens.length - L + k;
      window[k] = i >= 0 ? tokens[i] : BREAK_ID;
    }
    const draw = nextDraw(tokens, opts, opts.random());
    const next = sampler
      ? await sampler.drawNext(window, draw)
      : drawToken(await scorer.scores(window, 1), draw, scratch);
    if (next === BREAK_ID) {
      ended = true;
      break;
    }
    tokens.push(next);
  }
  return closeCapped(tokens, opts, closing && !ended);
}

/** With endOnTerminal, a quatrain cut at the cap gets its full stop (the last resort). */
function closeCapped(tokens: number[], opts: SampleOptions, capped: boolean): number[] {
  const v = opts.vocabulary;
  if (capped && v && tokens.length > (opts.prefix?.length ?? 0)) {
    const last = tokens[tokens.length - 1];
    if (!v.terminal.has(last)) {
      if (v.punctuation.has(last)) tokens[tokens.length - 1] = v.fullStop;
      else tokens.push(v.fullStop);
    }
  }
  return tokens.slice(0, Math.max(opts.maxWords, 0));
}

/**
 * sampleTokens with carried state: the stream reads the start marker and the prefix, then each
 * drawn word (one step each), until it draws the end token (the break marker) or the cap. Same
 * rules, draws and random use as the window path.
 */
async function sampleSequence(sampler: SequenceSampler, opts: SampleOptions): Promise<number[]> {
  const tokens = [...(opts.prefix ?? [])];
  const closing =
    (opts.rules?.endOnTerminal ?? false) && opts.vocabulary !== undefined && opts.vocabulary.fullStop >= 0;
  const cap = closing ? opts.maxWords - 1 : opts.maxWords;
  const stream = sampler.open();
  let ended = false;
  try {
    let unread: number[] = [BREAK_ID, ...tokens];
    while (tokens.length < cap) {
      const next = await stream.next(unread, nextDraw(tokens, opts, opts.random()));
      if (next === BREAK_ID) {
        ended = true;
        break;
      }
      tokens.push(next);
      unread = [next];
    }
  } finally {
    stream.close();
  }
  return closeCapped(tokens, opts, closing && !ended);
}
