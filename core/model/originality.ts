/**
 * A suffix automaton over the corpus token sequence: answers "does this run of tokens occur
 * consecutively in the corpus?" in time linear in the sample. Build is O(corpus length).
 */
export interface CopyIndex {
  /** Outgoing transitions per state: token id → state. */
  readonly next: Map<number, number>[];
  /** Suffix link per state (-1 for the root). */
  readonly link: Int32Array | number[];
  /** Length of the longest string of each state. */
  readonly length: number[];
}

/**
 * Indexes the corpus as documents of class ids. A separator (-1) between documents keeps runs from
 * spanning two quatrains.
 */
export function buildCopyIndex(docsAsIds: readonly (readonly number[])[]): CopyIndex {
  const next: Map<number, number>[] = [new Map<number, number>()];
  const link: number[] = [-1];
  const length: number[] = [0];
  let last = 0;
  const extend = (c: number) => {
    const cur = next.length;
    next.push(new Map());
    length.push(length[last] + 1);
    link.push(0);
    let p = last;
    while (p !== -1 && !next[p].has(c)) {
      next[p].set(c, cur);
      p = link[p];
    }
    if (p !== -1) {
      const q = next[p].get(c)!;
      if (length[p] + 1 === length[q]) {
        link[cur] = q;
      } else {
        const clone = next.length;
        next.push(new Map(next[q]));
        length.push(length[p] + 1);
        link.push(link[q]);
        while (p !== -1 && next[p].get(c) === q) {
          next[p].set(c, clone);
          p = link[p];
        }
        link[q] = clone;
        link[cur] = clone;
      }
    }
    last = cur;
  };
  docsAsIds.forEach((doc, d) => {
    if (d > 0) extend(-1 - d); // a separator that occurs once, so never in a sample
    for (const id of doc) extend(id);
  });
  return { next, link, length };
}

/**
 * Length of the longest run of consecutive tokens of `tokens` that also occurs consecutively in the
 * corpus (0 for an empty sample). Punctuation tokens count like words.
 */
export function longestCopiedRun(index: CopyIndex, tokens: readonly number[]): number {
  let state = 0;
  let matched = 0;
  let best = 0;
  for (const token of tokens) {
    while (state !== 0 && !index.next[state].has(token)) {
      state = index.link[state];
      matched = index.length[state];
    }
    const to = index.next[state].get(token);
    if (to === undefined) {
      matched = 0;
    } else {
      state = to;
      matched++;
    }
    if (matched > best) best = matched;
  }
  return best;
}
