import type { Db } from "../db/client.ts";
import { currentModelVersion, type ModelVersionRecord } from "../db/model-versions.ts";
import { evaluate, type Examples } from "../model/index.ts";
import { modelOfVersion, sameVocabulary } from "../model/index.ts";
import { promotionDecision, qualityGate, type GateBaseline, type GateDecision } from "./gate.ts";
import type { QualityFigures } from "../eval/index.ts";

/** The candidate's corpus as the gate compares it with the current version's. */
export interface CandidateCorpus {
  sha256: string;
  documents: number;
  words: readonly string[];
}

/** What differs between the current version's corpus and the candidate's, or null when nothing does. */
export function corpusChange(
  current: Pick<ModelVersionRecord, "corpusSha256" | "corpusDocuments" | "vocabulary">,
  candidate: CandidateCorpus,
): string | null {
  const changes: string[] = [];
  if (current.corpusSha256 !== candidate.sha256)
    changes.push(`corpus sha256 ${current.corpusSha256.slice(0, 12)} → ${candidate.sha256.slice(0, 12)}`);
  if (current.corpusDocuments !== candidate.documents)
    changes.push(`documents ${current.corpusDocuments} → ${candidate.documents}`);
  if (!sameVocabulary(current.vocabulary, candidate.words))
    changes.push(`vocabulary ${current.vocabulary.length} → ${candidate.words.length} words`);
  return changes.length ? changes.join(", ") : null;
}

/**
 * The current model's validation loss on the candidate's validation examples (the same corpus and
 * vocabulary, so the same ids mean the same words): the gate compares like with like. When the
 * corpus differs, no comparison is made (corpusChange says what differs). Null when none is current.
 */
export async function currentBaseline(
  db: Db,
  candidate: CandidateCorpus,
  validation: Examples,
  batchSize: number,
): Promise<GateBaseline | null> {
  const current = await currentModelVersion(db, { withWeights: true });
  if (!current) return null;
  const change = corpusChange(current, candidate);
  if (change || !current.weights || validation.count === 0) {
    return {
      version: current.version,
      valLoss: current.valLoss,
      corpusChange: change,
      quality: current.evaluation?.quality,
    };
  }
  const model = await modelOfVersion({ ...current, weights: current.weights, hyperParams: current.hyperParams });
  try {
    return {
      version: current.version,
      valLoss: (await evaluate(model, validation, batchSize)).loss,
      corpusChange: null,
      quality: current.evaluation?.quality,
    };
  } finally {
    model.dispose();
  }
}

/**
 * The promotion gate against the current version as it is now (not as it was when training
 * began), measured on the candidate's validation examples; then the quality limits on the
 * candidate's sampled quatrains (see qualityGate).
 */
export async function gateAgainstCurrent(
  db: Db,
  candidate: {
    valLoss: number;
    corpus: CandidateCorpus;
    validation: Examples;
    quality?: readonly QualityFigures[];
    corpusQuality?: QualityFigures;
  },
  opts: { batchSize: number; tolerance: number; allowCorpusChange?: boolean; qualityGate?: boolean },
): Promise<GateDecision> {
  const baseline = await currentBaseline(db, candidate.corpus, candidate.validation, opts.batchSize);
  const byLoss = promotionDecision(candidate.valLoss, baseline, {
    tolerance: opts.tolerance,
    allowCorpusChange: opts.allowCorpusChange,
  });
  return candidate.corpusQuality
    ? qualityGate(
        byLoss,
        { quality: candidate.quality ?? [], corpusQuality: candidate.corpusQuality },
        opts.qualityGate ?? true,
        baseline,
      )
    : byLoss;
}
