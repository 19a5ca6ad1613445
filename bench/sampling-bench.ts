import type * as tf from "@tensorflow/tfjs";
import {
  isSequenceModel,
  modelScorer,
  modelSequenceSampler,
  sampleTokens,
  seededRandom,
  type Scorer,
  type SamplingRules,
  type SamplingVocabulary,
} from "../core/model/index.ts";
import { fastScorer } from "../core/tf/fast-scorer.ts";
import { sequenceSampler } from "../core/tf/sequence-sampler.ts";
import { quantile } from "./stats.ts";

export interface LatencyFigures {
  scorer: "fast" | "fast+helper" | "model.predict" | "carried state" | "carried+helper" | "whole prefix";
  concurrency: number;
  quatrains: number;
  meanWords: number;
  p50ms: number;
  p99ms: number;
  quatrainsPerSecond: number;
  /** Words drawn per second (comparable across models whose quatrains differ in length). */
  wordsPerSecond: number;
}

/** What prophesy() samples with: length bounds and the sampler's rules (config sampling). */
export interface QuatrainLengths {
  minWords: number;
  maxWords: number;
  rules?: SamplingRules;
  vocabulary?: SamplingVocabulary;
}

/** `total` quatrains drawn by `concurrency` concurrent samplers; latency is per quatrain. */
async function measure(
  scorer: Scorer,
  concurrency: number,
  total: number,
  lengths: QuatrainLengths,
): Promise<Omit<LatencyFigures, "scorer">> {
  const latencies: number[] = [];
  let words = 0;
  let next = 0;
  const sampler = async () => {
    while (next < total) {
      const seed = next++;
      const started = performance.now();
      const tokens = await sampleTokens(scorer, { temperature: 1, ...lengths, random: seededRandom(seed) });
      latencies.push(performance.now() - started);
      words += tokens.length;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, sampler));
  const seconds = (performance.now() - started) / 1000;
  return {
    concurrency,
    quatrains: total,
    meanWords: words / total,
    p50ms: quantile(latencies, 0.5),
    p99ms: quantile(latencies, 0.99),
    quatrainsPerSecond: total / seconds,
    wordsPerSecond: words / seconds,
  };
}

/**
 * Sampling latency and throughput of the fast scorer on the main thread alone (concurrency 1
 * and 32), with its helper thread on the second core (concurrency 32), and of model.predict.
 */
export async function benchSampling(model: tf.LayersModel, lengths: QuatrainLengths): Promise<LatencyFigures[]> {
  if (isSequenceModel(model)) return benchSequenceSampling(model, lengths);
  const alone = fastScorer(model, { helperThread: false });
  const helped = fastScorer(model);
  try {
    await measure(alone, 4, 8, lengths); // warm-up
    const figures: LatencyFigures[] = [
      { scorer: "fast", ...(await measure(alone, 1, 60, lengths)) },
      { scorer: "fast", ...(await measure(alone, 32, 320, lengths)) },
    ];
    if (await helped.startHelper()) {
      await measure(helped, 32, 32, lengths); // warm-up of both threads
      figures.push({ scorer: "fast+helper", ...(await measure(helped, 32, 320, lengths)) });
    }
    figures.push({ scorer: "model.predict", ...(await measure(modelScorer(model), 1, 10, lengths)) });
    return figures;
  } finally {
    alone.dispose();
    helped.dispose();
  }
}

/**
 * The sequence model's sampler (carried GRU state, one step per word) at concurrency 1 and 32, and
 * the reference that runs the model over the whole prefix at every word.
 */
async function benchSequenceSampling(model: tf.LayersModel, lengths: QuatrainLengths): Promise<LatencyFigures[]> {
  const fast = sequenceSampler(model, { helperThread: false });
  const helped = sequenceSampler(model);
  try {
    await measure(fast, 4, 8, lengths); // warm-up
    const figures: LatencyFigures[] = [
      { scorer: "carried state", ...(await measure(fast, 1, 60, lengths)) },
      { scorer: "carried state", ...(await measure(fast, 32, 320, lengths)) },
    ];
    if (await helped.startHelper()) {
      await measure(helped, 32, 32, lengths); // warm-up of both threads
      figures.push({ scorer: "carried+helper", ...(await measure(helped, 32, 320, lengths)) });
    }
    figures.push({ scorer: "whole prefix", ...(await measure(modelSequenceSampler(model), 1, 5, lengths)) });
    return figures;
  } finally {
    fast.dispose();
    helped.dispose();
  }
}
