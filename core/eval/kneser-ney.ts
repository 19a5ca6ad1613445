/**
 * Interpolated Kneser-Ney trigram language model over token ids (Chen & Goodman 1998, one
 * discount per order). It is the Markov-chain baseline the GRU is compared against, fitted on the
 * same train split and scored on the same validation split. Pure: no I/O, no tfjs.
 */

/** One prediction: the two preceding token ids and the token that follows. */
export type Trigram = readonly [u: number, v: number, w: number];

export interface KneserNeyTrigram {
  readonly vocabSize: number;
  /** Discounts actually used for orders 1, 2 and 3. */
  readonly discounts: readonly [number, number, number];
  /** P(w | u v), > 0 for every w in [0, vocabSize). */
  probability(u: number, v: number, w: number): number;
}

type Counts = Map<number, Map<number, number>>;

function bump(counts: Counts, context: number, w: number): void {
  let row = counts.get(context);
  if (!row) counts.set(context, (row = new Map()));
  row.set(w, (row.get(w) ?? 0) + 1);
}

/** Ney's estimate D = n1 / (n1 + 2 n2) from counts of counts; 0.75 when there are too few counts. */
function discountOf(values: Iterable<number>): number {
  let n1 = 0;
  let n2 = 0;
  for (const c of values) {
    if (c === 1) n1++;
    else if (c === 2) n2++;
  }
  const d = n1 + 2 * n2 > 0 ? n1 / (n1 + 2 * n2) : 0;
  return d > 0 && d < 1 ? d : 0.75;
}

function* rowValues(counts: Counts): Iterable<number> {
  for (const row of counts.values()) yield* row.values();
}

interface Row {
  total: number;
  types: number;
}

function rowTotals(counts: Counts): Map<number, Row> {
  const out = new Map<number, Row>();
  for (const [ctx, row] of counts) {
    let total = 0;
    for (const c of row.values()) total += c;
    out.set(ctx, { total, types: row.size });
  }
  return out;
}

/** Fits the model on the training trigrams; token ids must lie in [0, vocabSize). */
export function fitKneserNey(trigrams: Iterable<Trigram>, vocabSize: number): KneserNeyTrigram {
  if (!Number.isInteger(vocabSize) || vocabSize < 1)
    throw new RangeError(`vocabSize must be a positive integer, got ${vocabSize}`);
  const check = (id: number) => {
    if (!Number.isInteger(id) || id < 0 || id >= vocabSize)
      throw new RangeError(`token id ${id} outside [0, ${vocabSize})`);
  };
  const key = (a: number, b: number) => a * vocabSize + b;

  // c(u v w), keyed by the context (u, v).
  const tri: Counts = new Map();
  for (const [u, v, w] of trigrams) {
    check(u);
    check(v);
    check(w);
    bump(tri, key(u, v), w);
  }
  // Continuation counts: N1+(• v w) = distinct u before (v, w); N1+(• w) = distinct v before w.
  const mid: Counts = new Map();
  const bigramTypes = new Set<number>();
  for (const [ctx, row] of tri) {
    const v = ctx % vocabSize;
    for (const w of row.keys()) {
      bump(mid, v, w);
      bigramTypes.add(key(v, w));
    }
  }
  const uni = new Map<number, number>();
  for (const vw of bigramTypes) {
    const w = vw % vocabSize;
    uni.set(w, (uni.get(w) ?? 0) + 1);
  }
  const uniTotal = bigramTypes.size;

  const d3 = discountOf(rowValues(tri));
  const d2 = discountOf(rowValues(mid));
  const d1 = discountOf(uni.values());
  const triRows = rowTotals(tri);
  const midRows = rowTotals(mid);

  const p1 = (w: number): number => {
    const uniform = 1 / vocabSize;
    if (uniTotal === 0) return uniform;
    const c = uni.get(w) ?? 0;
    return Math.max(c - d1, 0) / uniTotal + ((d1 * uni.size) / uniTotal) * uniform;
  };
  const p2 = (v: number, w: number): number => {
    const row = midRows.get(v);
    if (!row) return p1(w);
    const c = mid.get(v)!.get(w) ?? 0;
    return Math.max(c - d2, 0) / row.total + ((d2 * row.types) / row.total) * p1(w);
  };
  const probability = (u: number, v: number, w: number): number => {
    check(u);
    check(v);
    check(w);
    const ctx = key(u, v);
    const row = triRows.get(ctx);
    if (!row) return p2(v, w);
    const c = tri.get(ctx)!.get(w) ?? 0;
    return Math.max(c - d3, 0) / row.total + ((d3 * row.types) / row.total) * p2(v, w);
  };
  return { vocabSize, discounts: [d1, d2, d3], probability };
}

/** exp of the mean negative log-likelihood of the trigrams' last tokens. */
export function perplexity(model: KneserNeyTrigram, trigrams: Iterable<Trigram>): number {
  let nll = 0;
  let n = 0;
  for (const [u, v, w] of trigrams) {
    nll -= Math.log(model.probability(u, v, w));
    n++;
  }
  if (n === 0) throw new RangeError("perplexity needs at least one trigram");
  return Math.exp(nll / n);
}

/**
 * Perplexity with one unknown class: a last token in `unknown` (a word the training part never
 * had) scores the total probability of all such words, as evaluateWithUnknown does for the GRU.
 */
export function perplexityWithUnknown(
  model: KneserNeyTrigram,
  trigrams: Iterable<Trigram>,
  unknown: ReadonlySet<number>,
): number {
  let nll = 0;
  let n = 0;
  for (const [u, v, w] of trigrams) {
    let p = 0;
    if (unknown.has(w)) for (const x of unknown) p += model.probability(u, v, x);
    else p = model.probability(u, v, w);
    nll -= Math.log(p);
    n++;
  }
  if (n === 0) throw new RangeError("perplexity needs at least one trigram");
  return Math.exp(nll / n);
}

/**
 * The trigram of each training example: the last two context ids and the target. Contexts are
 * the model's example windows (phrase length ≥ 2), so the baseline sees exactly the GRU's split.
 */
export function* trigramsOfExamples(
  contexts: ArrayLike<ArrayLike<number>>,
  targets: ArrayLike<number>,
): Iterable<Trigram> {
  if (contexts.length !== targets.length) throw new RangeError("contexts and targets differ in length");
  for (let i = 0; i < targets.length; i++) {
    const ctx = contexts[i];
    if (ctx.length < 2) throw new RangeError("a trigram needs a context of at least two tokens");
    yield [ctx[ctx.length - 2], ctx[ctx.length - 1], targets[i]];
  }
}

/** Every trigram of a token sequence, the first token predicted from two copies of `pad`. */
export function* trigramsOfSequence(ids: ArrayLike<number>, pad: number): Iterable<Trigram> {
  let u = pad;
  let v = pad;
  for (let i = 0; i < ids.length; i++) {
    const w = ids[i];
    yield [u, v, w];
    u = v;
    v = w;
  }
}
