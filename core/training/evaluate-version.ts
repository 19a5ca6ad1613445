import { copyStatistics, fitKneserNey, perplexity, trigramsOfExamples, type VersionEvaluation } from "../eval/index.ts";
import { longestCopiedRun, sampleTokens, seededRandom, type CopyIndex, type Examples, type NextWordScorer } from "../model/index.ts";

const contextsOf = (examples: Examples) =>
  Array.from({ length: examples.count }, (_, i) => examples.inputs.subarray(i * examples.phraseLength, (i + 1) * examples.phraseLength));

export interface EvaluateOptions {
  train: Examples;
  validation: Examples;
  vocabSize: number;
  valLoss: number;
  scorer: NextWordScorer;
  copyIndex: CopyIndex;
  /** The corpus as ids, one array per document (for its mean length). */
  documents: readonly (readonly number[])[];
  samples: number;
  minWords: number;
  maxWords: number;
  seed: number;
}

/** Evaluates a trained model against the trigram baseline and measures how much it recites. */
export async function evaluateVersion(opts: EvaluateOptions): Promise<VersionEvaluation> {
  const kn = fitKneserNey(trigramsOfExamples(contextsOf(opts.train), opts.train.targets), opts.vocabSize);
  let tokens = 0;
  const copy = await copyStatistics({
    count: opts.samples,
    sample: async (i) => {
      const ids = await sampleTokens(opts.scorer, { temperature: 1.0, minWords: opts.minWords, maxWords: opts.maxWords, random: seededRandom(`${opts.seed}:eval:${i}`) });
      tokens += ids.length;
      return ids;
    },
    longestCopiedRun: (ids) => longestCopiedRun(opts.copyIndex, ids),
  });
  return {
    perplexity: Math.exp(opts.valLoss),
    kneserNeyPerplexity: opts.validation.count ? perplexity(kn, trigramsOfExamples(contextsOf(opts.validation), opts.validation.targets)) : NaN,
    copy,
    meanTokens: opts.samples ? tokens / opts.samples : NaN,
    corpusMeanTokens: opts.documents.reduce((n, d) => n + d.length, 0) / Math.max(opts.documents.length, 1),
  };
}
