/**
 * The quality limits of sampled quatrains, all in one table (QUALITY_LIMITS), each beside the
 * corpus' own value: what the gate refuses (qualityViolations), what counts as clearly worse than
 * the current version (qualityRegressions), and the rows every surface shows (qualityRows).
 */
import { DISTINCT_BIGRAM_WINDOW, type QualityFigures } from "./quality.ts";

/** Figures as stored: versions evaluated before a figure existed lack it, and JSON turns NaN into null. */
export type StoredQualityFigures = { [K in keyof QualityFigures]?: QualityFigures[K] | null };

export interface QualityLimit {
  /** What is measured, in the words of a reason or a table row. */
  figure: string;
  /** "max": the value must not exceed the bound; "min": it must not fall below. */
  kind: "max" | "min";
  /**
   * The bound per sampling temperature (`String(T)`: "1", "0.7"); "*" for every temperature.
   * A temperature with none (T=1.3 for the loop figures) gets no limit on this figure.
   */
  bound: Readonly<Record<string, number>>;
  /** How the bound follows the corpus: "share": never below the corpus' own share plus its sampling noise; "less": the corpus' value minus `margin` when the corpus is below the bound. */
  follows?: "share" | "less";
  /** The figure of a set of quatrains (null: not measured). */
  value: (f: StoredQualityFigures) => number | null;
  /** The corpus' value to compare with (`own`: the measured set, whose top phrase has its own share in the corpus). */
  corpus: (own: StoredQualityFigures, corpus: StoredQualityFigures) => number | null;
  /** The corpus' value differs per measured set (read from `own`): shown beside each value. */
  corpusPerSet?: boolean;
  /** Worse than the current version's stored figure by more than this is "clearly worse"; absent: not compared. */
  margin?: number;
  /** A value as shown (the bound and the corpus' value too). */
  show: (x: number) => string;
  /** Words naming what was measured, e.g. the over-used word; shown after the value. */
  detail?: (f: StoredQualityFigures) => string | null;
}

const known = (x: number | null | undefined): number | null => (typeof x === "number" && Number.isFinite(x) ? x : null);
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const times = (x: number) => `${x.toFixed(1)}×`;
const ratio = (x: number) => x.toFixed(2);

/**
 * The limits (issue 22): the loop figures at T=1.0 and, looser, T=0.7 (none at T=1.3, where
 * wandering is expected); the kept figures (immediate repeats, punctuation, final stop, copying)
 * at every temperature.
 */
export const QUALITY_LIMITS: readonly QualityLimit[] = [
  {
    figure: "use of a top-10 content word, as a multiple of its corpus rate (worst)",
    kind: "max",
    bound: { "1": 2, "0.7": 3 },
    value: (f) => known(f.overuse?.multiple),
    corpus: (_, c) => known(c.overuse?.multiple),
    margin: 0.5,
    show: times,
    detail: (f) => (f.overuse ? `"${f.overuse.word}"` : null),
  },
  {
    figure: "quatrains containing the most used phrase",
    kind: "max",
    bound: { "1": 0.1, "0.7": 0.1 },
    follows: "share",
    value: (f) => known(f.topPhrase?.share),
    // The same phrase's share in the corpus: a phrase the corpus itself uses often may be used as often.
    corpus: (own) => known(own.topPhrase?.corpusShare),
    corpusPerSet: true,
    margin: 0.05,
    show: pct,
    detail: (f) => (f.topPhrase ? `"${f.topPhrase.phrase}"` : null),
  },
  {
    figure: "a 3-word sequence repeated inside the quatrain",
    kind: "max",
    bound: { "1": 0.05, "0.7": 0.1 },
    follows: "share",
    value: (f) => known(f.repeatedTrigram),
    corpus: (_, c) => known(c.repeatedTrigram),
    margin: 0.05,
    show: pct,
  },
  {
    figure: "a content word used 3 or more times",
    kind: "max",
    bound: { "1": 0.05, "0.7": 0.1 },
    follows: "share",
    value: (f) => known(f.contentWordThrice),
    corpus: (_, c) => known(c.contentWordThrice),
    margin: 0.05,
    show: pct,
  },
  {
    figure: "inside the corpus' word-count range",
    kind: "min",
    bound: { "1": 0.9, "0.7": 0.9 },
    value: (f) => known(f.inWordRange),
    corpus: (_, c) => known(c.inWordRange),
    margin: 0.05,
    show: pct,
  },
  {
    figure: "cut off at the token cap",
    kind: "max",
    bound: { "1": 0.02, "0.7": 0.02 },
    follows: "share",
    value: (f) => known(f.capped),
    corpus: (_, c) => known(c.capped),
    margin: 0.03,
    show: pct,
  },
  {
    figure: `distinct bigrams at ${DISTINCT_BIGRAM_WINDOW.toLocaleString("en")}`,
    kind: "min",
    bound: { "1": 0.65, "0.7": 0.65 },
    follows: "less",
    value: (f) => known(f.distinctBigrams),
    corpus: (_, c) => known(c.distinctBigrams),
    margin: 0.05,
    show: ratio,
  },
  {
    figure: "quatrains repeating a word at once",
    kind: "max",
    bound: { "*": 0 },
    follows: "share",
    value: (f) => known(f.immediateRepeat),
    corpus: (_, c) => known(c.immediateRepeat),
    show: pct,
  },
  {
    figure: "doubled or leading punctuation",
    kind: "max",
    bound: { "*": 0 },
    follows: "share",
    value: (f) => known(f.badPunctuation),
    corpus: (_, c) => known(c.badPunctuation),
    show: pct,
  },
  {
    figure: "ending with . ! or ?",
    kind: "min",
    bound: { "*": 0.98 },
    value: (f) => (known(f.noTerminalEnd) === null ? null : 1 - f.noTerminalEnd!),
    corpus: (_, c) => (known(c.noTerminalEnd) === null ? null : 1 - c.noTerminalEnd!),
    show: pct,
  },
  {
    figure: "copying at most the copy limit's words in a row",
    kind: "min",
    bound: { "*": 0.95 },
    value: (f) => known(f.copiedWithinLimit),
    corpus: () => null,
    show: pct,
  },
];

/** How far a share measured over `n` quatrains strays by chance: two standard errors of a share p. */
export const shareNoise = (p: number, n: number): number => (n > 0 ? 2 * Math.sqrt((p * (1 - p)) / n) : 0);

/** The bound of `limit` at `temperature` for figures over `n` quatrains, given the corpus' value; null: none there. */
export function boundOf(
  limit: QualityLimit,
  temperature: number | undefined,
  corpusValue: number | null,
  n: number,
): number | null {
  const stated = limit.bound[String(temperature)] ?? limit.bound["*"];
  if (stated === undefined) return null;
  if (corpusValue === null) return stated;
  if (limit.follows === "share") return Math.max(stated, corpusValue + shareNoise(corpusValue, n));
  if (limit.follows === "less" && corpusValue < stated) return corpusValue - (limit.margin ?? 0);
  return stated;
}

const at = (f: StoredQualityFigures) => `at T=${f.temperature ?? "?"}`;
const breaks = (limit: QualityLimit, value: number, bound: number) =>
  limit.kind === "max" ? value > bound + 1e-12 : value < bound - 1e-12;

/** One reason: "<figure> at T=1: 46.0% "great one" (limit ≤ 10.0%; corpus 4.9%)". */
function reason(limit: QualityLimit, f: StoredQualityFigures, value: number, text: string): string {
  const detail = limit.detail?.(f);
  return `${limit.figure} ${at(f)}: ${limit.show(value)}${detail ? ` ${detail}` : ""} (${text})`;
}

/** Why sampled quatrains break the limits (empty: they keep them), figure by figure, temperature by temperature. */
export function qualityViolations(
  figures: readonly StoredQualityFigures[],
  corpus: StoredQualityFigures,
  limits: readonly QualityLimit[] = QUALITY_LIMITS,
): string[] {
  return limitBreaks(figures, corpus, limits).map((b) => b.reason);
}

/** One limit broken at one temperature, with its reason. */
export interface LimitBreak {
  limit: QualityLimit;
  temperature: number | undefined;
  reason: string;
}

/** Each limit the figures break (qualityViolations, with which limit and temperature). */
export function limitBreaks(
  figures: readonly StoredQualityFigures[],
  corpus: StoredQualityFigures,
  limits: readonly QualityLimit[] = QUALITY_LIMITS,
): LimitBreak[] {
  const out: LimitBreak[] = [];
  for (const f of figures)
    for (const limit of limits) {
      const value = limit.value(f);
      if (value === null) continue;
      const corpusValue = limit.corpus(f, corpus);
      const bound = boundOf(limit, f.temperature ?? undefined, corpusValue, f.quatrains ?? 0);
      if (bound === null || !breaks(limit, value, bound)) continue;
      out.push({
        limit,
        temperature: f.temperature ?? undefined,
        reason: reason(
          limit,
          f,
          value,
          `limit ${limit.kind === "max" ? "≤" : "≥"} ${limit.show(bound)}; corpus ${corpusValue === null ? "—" : limit.show(corpusValue)}`,
        ),
      });
    }
  return out;
}

/**
 * Where the candidate is clearly worse than the current version: a limited figure worse than the
 * current version's stored one, at the same temperature, by more than the limit's margin. Figures
 * the current version's evaluation lacks (stored before they existed) are not compared.
 */
export function qualityRegressions(
  candidate: readonly StoredQualityFigures[],
  current: readonly StoredQualityFigures[],
  version: number,
  limits: readonly QualityLimit[] = QUALITY_LIMITS,
): string[] {
  const out: string[] = [];
  for (const f of candidate) {
    const before = current.find((c) => c.temperature === f.temperature);
    if (!before) continue;
    for (const limit of limits) {
      if (limit.margin === undefined || limit.bound[String(f.temperature)] === undefined) continue;
      const [value, old] = [limit.value(f), limit.value(before)];
      if (value === null || old === null) continue;
      const worseBy = limit.kind === "max" ? value - old : old - value;
      if (worseBy > limit.margin + 1e-12)
        out.push(
          reason(limit, f, value, `v${version} had ${limit.show(old)}: worse by more than ${limit.show(limit.margin)}`),
        );
    }
  }
  return out;
}

/** One figure as every surface shows it: a value per sampling temperature, the corpus' value, the limit. */
export interface QualityRow {
  figure: string;
  /** One per set of figures, in their order: the value, its detail (a word, a phrase) and, where it is the set's own, the corpus' value. "—": not measured. */
  values: string[];
  /** The corpus' own value ("—": not measured, e.g. an evaluation stored before the figure existed). */
  corpus: string;
  /** The stated limits, e.g. "at most 2.0× at T=1, 3.0× at T=0.7" (the corpus may loosen them: see boundOf). */
  limit: string;
}

const DASH = "—";

/** Extra rows: the word-count figures without a limit of their own. */
function wordCountRow(figures: readonly StoredQualityFigures[], corpus: StoredQualityFigures | null): QualityRow {
  const cell = (f: StoredQualityFigures | null) => {
    const [mean, sd] = [known(f?.wordCountMean), known(f?.wordCountSd)];
    return mean === null || sd === null ? DASH : `${mean.toFixed(1)} ± ${sd.toFixed(1)}`;
  };
  const [min, max] = [known(corpus?.wordCountMin), known(corpus?.wordCountMax)];
  return {
    figure: `words per quatrain, mean ± sd (corpus' range ${min === null || max === null ? DASH : `${min}–${max}`})`,
    values: figures.map(cell),
    corpus: cell(corpus),
    limit: "",
  };
}

/** The figures and limits as rows, for `oracle models VERSION`, the web /models page and the tuning table. */
export function qualityRows(
  figures: readonly StoredQualityFigures[],
  corpus: StoredQualityFigures | null | undefined,
  limits: readonly QualityLimit[] = QUALITY_LIMITS,
): QualityRow[] {
  const c = corpus ?? null;
  const rows = limits.map((limit): QualityRow => {
    const cell = (f: StoredQualityFigures, own: boolean) => {
      const value = limit.value(f);
      if (value === null) return DASH;
      const detail = limit.detail?.(f);
      // A value whose corpus side is its own (the top phrase's share in the corpus) shows it beside.
      const ownCorpus = own && limit.corpusPerSet ? limit.corpus(f, {}) : null;
      return `${limit.show(value)}${detail ? ` ${detail}` : ""}${ownCorpus === null ? "" : ` (corpus ${limit.show(ownCorpus)})`}`;
    };
    // "at most 2.0× at T=1, 3.0× at T=0.7"; equal bounds share their temperatures.
    const byBound = new Map<number, string[]>();
    for (const [t, b] of Object.entries(limit.bound)) byBound.set(b, [...(byBound.get(b) ?? []), t]);
    const bounds = [...byBound].map(([b, ts]) =>
      ts.includes("*") ? limit.show(b) : `${limit.show(b)} at T=${ts.join(" and T=")}`,
    );
    return {
      figure: limit.figure,
      values: figures.map((f) => cell(f, true)),
      corpus: c ? cell(c, false) : DASH,
      limit: `${limit.kind === "max" ? "at most" : "at least"} ${bounds.join(", ")}`,
    };
  });
  const bigrams = figures.find((f) => (known(f.distinctBigramsAt) ?? DISTINCT_BIGRAM_WINDOW) < DISTINCT_BIGRAM_WINDOW);
  if (bigrams) {
    const i = rows.findIndex((r) => r.figure.startsWith("distinct bigrams"));
    rows[i] = {
      ...rows[i],
      figure: `${rows[i].figure} (fewer where the quatrains have fewer: ${figures.map((f) => known(f.distinctBigramsAt) ?? DASH).join(", ")})`,
    };
  }
  rows.splice(rows.findIndex((r) => r.figure.startsWith("inside")) + 1, 0, wordCountRow(figures, c));
  return rows;
}

/**
 * How many limits a version's stored figures break (0: all kept); null when there are none to
 * judge: no samples, or an evaluation stored before the loop figures existed.
 */
export function brokenLimitCount(
  figures: readonly StoredQualityFigures[] | null | undefined,
  corpus: StoredQualityFigures | null | undefined,
): number | null {
  if (!figures?.length || !corpus || figures.every((f) => f.distinctBigrams === undefined)) return null;
  return qualityViolations(figures, corpus).length;
}
