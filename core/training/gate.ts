import {
  qualityRegressions,
  limitBreaks,
  type LimitBreak,
  type QualityFigures,
  type StoredQualityFigures,
} from "../eval/index.ts";

/** What the promotion gate decided for a freshly trained model. */
export interface GateDecision {
  promote: boolean;
  /** Why, in one sentence (stored as the rejection reason or the promotion reason). */
  reason: string;
}

/** The current version as the gate sees it. */
export interface GateBaseline {
  version: number;
  valLoss: number;
  /**
   * Set when the candidate was trained on another corpus or vocabulary than this version: losses
   * over different vocabularies are not comparable, so the gate never decides on them. Says what differs.
   */
  corpusChange?: string | null;
  /** Its stored quality figures (evaluation.quality): a candidate clearly worse on them is refused. Absent in old versions. */
  quality?: readonly StoredQualityFigures[] | null;
}

export interface GateOptions {
  tolerance: number;
  /** The request said explicitly that a corpus change may replace the current model (--allow-corpus-change). */
  allowCorpusChange?: boolean;
}

/**
 * The promotion gate: a model becomes current only if its validation loss is no worse than the
 * current model's by more than `tolerance`. A non-finite loss (diverged training) never passes.
 * A model of another corpus or vocabulary is never promoted on a loss comparison: it is kept, not
 * current, unless the request explicitly allowed the corpus change.
 */
export function promotionDecision(
  candidateValLoss: number,
  current: GateBaseline | null,
  tolerance: number | GateOptions,
): GateDecision {
  const opts: GateOptions = typeof tolerance === "number" ? { tolerance } : tolerance;
  const fmt = (x: number) => x.toFixed(4);
  if (!Number.isFinite(candidateValLoss)) {
    return { promote: false, reason: `validation loss is ${candidateValLoss}: training diverged` };
  }
  if (!current) return { promote: true, reason: "first model" };
  if (current.corpusChange) {
    return opts.allowCorpusChange
      ? {
          promote: true,
          reason: `corpus change allowed explicitly (--allow-corpus-change): ${current.corpusChange}; losses not compared (validation loss ${fmt(candidateValLoss)}, v${current.version}'s ${fmt(current.valLoss)} over another vocabulary)`,
        }
      : {
          promote: false,
          reason: `trained on another corpus than current v${current.version} (${current.corpusChange}): losses over different vocabularies are not comparable, so it is stored but not made current; promote it with --force, or train with --allow-corpus-change`,
        };
  }
  const worseBy = candidateValLoss - current.valLoss;
  if (worseBy > opts.tolerance) {
    return {
      promote: false,
      reason: `validation loss ${fmt(candidateValLoss)} is worse than current v${current.version}'s ${fmt(current.valLoss)} by ${fmt(worseBy)} (tolerance ${opts.tolerance})`,
    };
  }
  return {
    promote: true,
    reason: `validation loss ${fmt(candidateValLoss)} vs current v${current.version}'s ${fmt(current.valLoss)} (tolerance ${opts.tolerance})`,
  };
}

/**
 * The quality half of the gate: a candidate the loss gate would promote is refused when its
 * sampled quatrains break the quality limits (core/eval QUALITY_LIMITS, each against the corpus'
 * own value), or when they are clearly worse than the current version's stored figures (worse by
 * more than a limit's margin; only on the same corpus, and only on figures both evaluations hold).
 * A limit the current version breaks too, at the same temperature, does not refuse on its own
 * (refusing it would keep the worse model serving for ever); being clearly worse on it still does.
 * No figures (evaluation sampling switched off) or `enabled` false: the loss decision stands.
 * The first model is promoted all the same (an oracle with no model cannot prophesy at all), its
 * reason naming the broken limits.
 */
export function qualityGate(
  decision: GateDecision,
  evaluation: { quality: readonly QualityFigures[]; corpusQuality: QualityFigures },
  enabled: boolean,
  current: Pick<GateBaseline, "version" | "corpusChange" | "quality"> | null,
): GateDecision {
  if (!enabled || !decision.promote || evaluation.quality.length === 0) return decision;
  const comparable = current?.quality && !current.corpusChange ? current.quality : null;
  const currentBreaks = comparable ? limitBreaks(comparable, evaluation.corpusQuality) : [];
  const sharedWithCurrent = (b: LimitBreak) =>
    currentBreaks.some((c) => c.limit === b.limit && c.temperature === b.temperature);
  const breaks = limitBreaks(evaluation.quality, evaluation.corpusQuality);
  const violations = breaks.filter((b) => !sharedWithCurrent(b)).map((b) => b.reason);
  const shared = breaks.filter(sharedWithCurrent).map((b) => b.reason);
  const worse = comparable ? qualityRegressions(evaluation.quality, comparable, current!.version) : [];
  const alsoCurrent = shared.length
    ? `; limits current v${current!.version} breaks too (not a refusal on their own): ${shared.join("; ")}`
    : "";
  if (violations.length === 0 && worse.length === 0) return { ...decision, reason: decision.reason + alsoCurrent };
  const reasons = [
    ...(violations.length ? [`quatrains break the quality limits: ${violations.join("; ")}`] : []),
    ...(worse.length ? [`quatrains clearly worse than current v${current!.version}'s: ${worse.join("; ")}`] : []),
  ].join("; ");
  if (!current) return { promote: true, reason: `${decision.reason}, although its ${reasons}` };
  return { promote: false, reason: reasons + alsoCurrent };
}
