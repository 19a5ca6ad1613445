/**
 * How much sampled quatrains recite the corpus: the mean and maximum, over N samples, of the
 * longest run of consecutive words each shares with it. Sampling and the run measure are passed
 * in (core/model owns both), so this stays pure and testable.
 */

export interface CopyStatistics {
  samples: number;
  meanLongestCopied: number;
  maxLongestCopied: number;
}

export interface CopyStatisticsOptions<T> {
  /** How many quatrains to sample (config trainer.evalSamples). */
  count: number;
  /** Draws the i-th quatrain (seeded by the caller for reproducibility). */
  sample: (index: number) => T | Promise<T>;
  /** Longest run of consecutive words the quatrain shares with the corpus. */
  longestCopiedRun: (quatrain: T) => number;
}

/** Summarises copied-run lengths; zero samples give zeros (evaluation switched off). */
export function summariseCopiedRuns(runs: readonly number[]): CopyStatistics {
  if (runs.length === 0) return { samples: 0, meanLongestCopied: 0, maxLongestCopied: 0 };
  let sum = 0;
  let max = 0;
  for (const r of runs) {
    if (!Number.isFinite(r) || r < 0) throw new RangeError(`a copied run must be a non-negative number, got ${r}`);
    sum += r;
    if (r > max) max = r;
  }
  return { samples: runs.length, meanLongestCopied: sum / runs.length, maxLongestCopied: max };
}

/** Samples `count` quatrains one after the other and summarises how much each copies. */
export async function copyStatistics<T>(opts: CopyStatisticsOptions<T>): Promise<CopyStatistics> {
  if (!Number.isInteger(opts.count) || opts.count < 0)
    throw new RangeError(`count must be a non-negative integer, got ${opts.count}`);
  const runs: number[] = [];
  for (let i = 0; i < opts.count; i++) runs.push(opts.longestCopiedRun(await opts.sample(i)));
  return summariseCopiedRuns(runs);
}
