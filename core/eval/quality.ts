/**
 * The quality figures of sampled quatrains (issue: quatrains worth reacting to), measured the same
 * way on the corpus for comparison. Pure: quatrains are class ids, the caller says which ids are
 * punctuation and how long a run each copies.
 */

export interface QualityFigures {
  /** Sampling temperature (absent for the corpus). */
  temperature?: number;
  quatrains: number;
  /** Share of quatrains with a word (not punctuation) repeated at once: "be be". */
  immediateRepeat: number;
  /** Share whose last token is not `.`, `!` or `?`. */
  noTerminalEnd: number;
  /** Share starting with punctuation or with two punctuation tokens in a row. */
  badPunctuation: number;
  /** Longest run of consecutive corpus words per quatrain: max, mean, and the share within the copy limit; null when not measured (the corpus itself). */
  copiedMax: number | null;
  copiedMean: number | null;
  copiedWithinLimit: number | null;
  /** Distinct bigrams over all the quatrains, per quatrain (higher: more varied). */
  distinctBigramsPerQuatrain: number;
  meanTokens: number;
}

export interface QualityOptions {
  punctuation: ReadonlySet<number>;
  terminal: ReadonlySet<number>;
  /** Longest copied run of a quatrain; omitted for the corpus (every run is a copy). */
  longestCopiedRun?: (ids: readonly number[]) => number;
  /** The copy limit (config sampling.maxCopiedWords). */
  maxCopiedWords: number;
  temperature?: number;
}

/** The figures over `quatrains` (class ids, no break markers); zero quatrains give NaN shares. */
export function qualityFigures(quatrains: readonly (readonly number[])[], opts: QualityOptions): QualityFigures {
  const n = quatrains.length;
  let repeat = 0;
  let noEnd = 0;
  let badPunct = 0;
  let tokens = 0;
  const runs: number[] = [];
  const bigrams = new Set<string>();
  for (const q of quatrains) {
    tokens += q.length;
    let repeated = false;
    let bad = q.length > 0 && opts.punctuation.has(q[0]!);
    for (let i = 1; i < q.length; i++) {
      const [a, b] = [q[i - 1]!, q[i]!];
      if (a === b && !opts.punctuation.has(a)) repeated = true;
      if (opts.punctuation.has(a) && opts.punctuation.has(b)) bad = true;
      bigrams.add(`${a},${b}`);
    }
    if (repeated) repeat++;
    if (bad) badPunct++;
    if (q.length === 0 || !opts.terminal.has(q[q.length - 1]!)) noEnd++;
    if (opts.longestCopiedRun) runs.push(opts.longestCopiedRun(q));
  }
  const share = (k: number) => (n ? k / n : NaN);
  return {
    ...(opts.temperature === undefined ? {} : { temperature: opts.temperature }),
    quatrains: n,
    immediateRepeat: share(repeat),
    noTerminalEnd: share(noEnd),
    badPunctuation: share(badPunct),
    copiedMax: runs.length ? Math.max(...runs) : null,
    copiedMean: runs.length ? runs.reduce((a, b) => a + b, 0) / runs.length : null,
    copiedWithinLimit: runs.length ? runs.filter((r) => r <= opts.maxCopiedWords).length / runs.length : null,
    distinctBigramsPerQuatrain: share(bigrams.size),
    meanTokens: share(tokens),
  };
}

/** The issue's limits for sampled quatrains, each against the corpus' own figure. */
export interface QualityLimits {
  /** Shares may exceed the corpus' by at most this (sampling noise over a few hundred quatrains). */
  slack: number;
  /** At least this share must end with terminal punctuation. */
  minTerminalEnd: number;
  /** At least this share must stay within the copy limit. */
  minWithinCopyLimit: number;
}

export const DEFAULT_QUALITY_LIMITS: QualityLimits = { slack: 0.01, minTerminalEnd: 0.98, minWithinCopyLimit: 0.95 };

/** Why sampled quatrains break the limits (empty: they keep them). */
export function qualityViolations(
  figures: readonly QualityFigures[],
  corpus: QualityFigures,
  limits: QualityLimits = DEFAULT_QUALITY_LIMITS,
): string[] {
  const out: string[] = [];
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  for (const f of figures) {
    const at = `at T=${f.temperature ?? "?"}`;
    if (f.immediateRepeat > corpus.immediateRepeat + limits.slack)
      out.push(
        `${pct(f.immediateRepeat)} of quatrains repeat a word at once ${at} (corpus ${pct(corpus.immediateRepeat)})`,
      );
    if (f.badPunctuation > corpus.badPunctuation + limits.slack)
      out.push(
        `${pct(f.badPunctuation)} have doubled or leading punctuation ${at} (corpus ${pct(corpus.badPunctuation)})`,
      );
    if (1 - f.noTerminalEnd < limits.minTerminalEnd)
      out.push(`only ${pct(1 - f.noTerminalEnd)} end with . ! or ? ${at} (at least ${pct(limits.minTerminalEnd)})`);
    if (f.copiedWithinLimit !== null && f.copiedWithinLimit < limits.minWithinCopyLimit)
      out.push(
        `only ${pct(f.copiedWithinLimit)} stay within the copy limit ${at} (at least ${pct(limits.minWithinCopyLimit)})`,
      );
  }
  return out;
}
