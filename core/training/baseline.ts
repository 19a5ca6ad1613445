import type { Db } from "../db/client.ts";
import { currentModelVersion } from "../db/model-versions.ts";
import { evaluate, type Examples } from "../model/index.ts";
import { modelOfVersion, sameVocabulary } from "../model/index.ts";
import { promotionDecision, type GateDecision } from "./gate.ts";

/** The current model's validation loss, to gate a candidate against. */
export interface Baseline {
  version: number;
  valLoss: number;
  /** True when measured on the candidate's own validation examples; false: as recorded at its training. */
  sameData: boolean;
}

/**
 * The current version's loss on the candidate's validation examples when the two share a
 * vocabulary (the same ids mean the same words), so the gate compares like with like even after
 * the corpus changed; otherwise its loss as recorded. Null when no version is current.
 */
export async function currentBaseline(db: Db, words: readonly string[], validation: Examples, batchSize: number): Promise<Baseline | null> {
  const current = await currentModelVersion(db, { withWeights: true });
  if (!current) return null;
  if (!current.weights || !sameVocabulary(current.vocabulary, words) || validation.count === 0) {
    return { version: current.version, valLoss: current.valLoss, sameData: false };
  }
  const model = await modelOfVersion({ ...current, weights: current.weights });
  try {
    return { version: current.version, valLoss: (await evaluate(model, validation, batchSize)).loss, sameData: true };
  } finally {
    model.dispose();
  }
}

/**
 * The promotion gate against the current version as it is now (not as it was when training
 * began), measured on the candidate's validation examples where the vocabularies allow it.
 */
export async function gateAgainstCurrent(
  db: Db,
  candidate: { valLoss: number; words: readonly string[]; validation: Examples },
  opts: { batchSize: number; tolerance: number },
): Promise<GateDecision> {
  const baseline = await currentBaseline(db, candidate.words, candidate.validation, opts.batchSize);
  const decision = promotionDecision(candidate.valLoss, baseline, opts.tolerance);
  return baseline && !baseline.sameData
    ? { ...decision, reason: `${decision.reason}; v${baseline.version} has another vocabulary, so its recorded loss was used` }
    : decision;
}
