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
