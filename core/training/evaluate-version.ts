import type * as tf from "@tensorflow/tfjs";
import {
  corpusProfile,
  qualityFigures,
  summariseCopiedRuns,
  type QualityFigures,
  type VersionEvaluation,
} from "../eval/index.ts";
import {
  longestCopiedRun,
  sampleTokens,
  seededRandom,
  type CopyIndex,
  type Examples,
  type Scorer,
  type SamplingRules,
  type SamplingVocabulary,
} from "../model/index.ts";
import { heldOutPerplexities } from "./held-out.ts";

export type { VersionEvaluation };

/** Temperatures the quality figures are measured at. */
export const EVAL_TEMPERATURES = [0.7, 1.0, 1.3] as const;

export interface EvaluateOptions {
  model: tf.LayersModel;
  train: Examples;
  validation: Examples;
  test: Examples;
  vocabSize: number;
  valLoss: number;
  batchSize: number;
  scorer: Scorer;
  copyIndex: CopyIndex;
  /** The corpus as ids, one array per document. */
  documents: readonly (readonly number[])[];
  /** Quatrains sampled per temperature. */
  samples: number;
  rules: SamplingRules;
  vocabulary: SamplingVocabulary;
  /** The class words (content words are told from function words by them). */
  words: readonly string[];
  minWords: number;
  maxWords: number;
  maxCopiedWords: number;
  seed: number;
}

/** Samples `count` quatrains at `temperature`, 32 at a time so a batching scorer serves them together. */
async function sampleMany(opts: EvaluateOptions, temperature: number): Promise<number[][]> {
  const out: number[][] = [];
  for (let from = 0; from < opts.samples; from += 32) {
    const batch = Array.from({ length: Math.min(32, opts.samples - from) }, (_, k) =>
      sampleTokens(opts.scorer, {
        temperature,
        minWords: opts.minWords,
        maxWords: opts.maxWords,
        rules: opts.rules,
        vocabulary: opts.vocabulary,
        random: seededRandom(`${opts.seed}:eval:${temperature}:${from + k}`),
      }),
    );
    out.push(...(await Promise.all(batch)));
  }
  return out;
}

/** Evaluates a trained model against the trigram baseline on validation and test, and measures its quatrains. */
export async function evaluateVersion(opts: EvaluateOptions): Promise<VersionEvaluation> {
  const held = heldOutPerplexities(opts.model, opts, {
    vocabSize: opts.vocabSize,
    valLoss: opts.valLoss,
    batchSize: opts.batchSize,
  });
  const copied = (ids: readonly number[]) => longestCopiedRun(opts.copyIndex, ids);
  const classes = { words: opts.words, punctuation: opts.vocabulary.punctuation };
  // A quatrain this long reached the cap: sampleTokens stops one short of it to close with a full stop.
  const closing = opts.rules.endOnTerminal && opts.vocabulary.fullStop >= 0;
  const figureOptions = {
    ...classes,
    terminal: opts.vocabulary.terminal,
    maxCopiedWords: opts.maxCopiedWords,
    corpus: corpusProfile(opts.documents, classes),
    tokenCap: closing ? opts.maxWords - 1 : opts.maxWords,
  };
  const quality: QualityFigures[] = [];
  let atOne: number[][] = [];
  for (const temperature of EVAL_TEMPERATURES) {
    const quatrains = await sampleMany(opts, temperature);
    if (temperature === 1.0) atOne = quatrains;
    if (quatrains.length)
      quality.push(qualityFigures(quatrains, { ...figureOptions, longestCopiedRun: copied, temperature }));
  }
  return {
    ...held,
    copy: summariseCopiedRuns(atOne.map(copied)),
    meanTokens: atOne.length ? atOne.reduce((n, q) => n + q.length, 0) / atOne.length : NaN,
    corpusMeanTokens: opts.documents.reduce((n, d) => n + d.length, 0) / Math.max(opts.documents.length, 1),
    quality,
    corpusQuality: qualityFigures(opts.documents, figureOptions),
  };
}
