import { qualityViolations, type QualityFigures } from "../eval/index.ts";

/** What the promotion gate decided for a freshly trained model. */
export interface GateDecision {
  promote: boolean;
  /** Why, in one sentence (stored as the rejection reason or the promotion reason). */
  reason: string;
}

/**
 * The promotion gate: a model becomes current only if its validation loss is no worse than the
 * current model's by more than `tolerance`. A non-finite loss (diverged training) never passes.
 */
export function promotionDecision(
  candidateValLoss: number,
  current: { version: number; valLoss: number } | null,
  tolerance: number,
): GateDecision {
  const fmt = (x: number) => x.toFixed(4);
  if (!Number.isFinite(candidateValLoss)) {
    return { promote: false, reason: `validation loss is ${candidateValLoss}: training diverged` };
  }
  if (!current) return { promote: true, reason: "first model" };
  const worseBy = candidateValLoss - current.valLoss;
  if (worseBy > tolerance) {
    return {
      promote: false,
      reason: `validation loss ${fmt(candidateValLoss)} is worse than current v${current.version}'s ${fmt(current.valLoss)} by ${fmt(worseBy)} (tolerance ${tolerance})`,
    };
  }
  return {
    promote: true,
    reason: `validation loss ${fmt(candidateValLoss)} vs current v${current.version}'s ${fmt(current.valLoss)} (tolerance ${tolerance})`,
  };
}

/**
 * The quality half of the gate: a candidate the loss gate would promote is refused when its
 * sampled quatrains break the quality limits (see qualityViolations), with the reasons.
 * No figures (evaluation sampling switched off) or `enabled` false: the loss decision stands.
 * The first model is promoted all the same (an oracle with no model cannot prophesy at all), its
 * reason naming the broken limits.
 */
export function qualityGate(
  decision: GateDecision,
  evaluation: { quality: readonly QualityFigures[]; corpusQuality: QualityFigures },
  enabled: boolean,
  current: { version: number } | null,
): GateDecision {
  if (!enabled || !decision.promote || evaluation.quality.length === 0) return decision;
  const violations = qualityViolations(evaluation.quality, evaluation.corpusQuality);
  if (violations.length === 0) return decision;
  if (!current) return { promote: true, reason: `${decision.reason}, although its quatrains break the quality limits: ${violations.join("; ")}` };
  return { promote: false, reason: `quatrains break the quality limits: ${violations.join("; ")}` };
}
