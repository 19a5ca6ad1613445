import { tmpdir } from "node:os";
import path from "node:path";
import { loadConfig, type Config, type ConfigOverrides } from "../../config/schema.ts";
import { testCorpusPath } from "./paths.ts";

/** Shared across the run so each slice's GloVe vectors are parsed from the 307 MB source once. */
export const testGloveCacheDir = path.join(tmpdir(), "oracle-test-glove-cache");

/**
 * The real config schema with test-sized settings: one thread, one epoch, few evaluation samples,
 * the shared corpus. `overrides` win, group by group.
 */
export function testConfig(databaseUrl: string, overrides: ConfigOverrides = {}): Config {
  const o = overrides ?? {};
  return loadConfig(
    {},
    {
      ...o,
      database: { url: databaseUrl, ...o.database },
      corpus: { path: testCorpusPath, ...o.corpus },
      glove: { cacheDir: testGloveCacheDir, ...o.glove },
      training: { epochs: 1, threads: 1, ...o.training },
      // The quality gate has its own tests; models trained for a minute on a slice need not pass it.
      trainer: { evalSamples: 5, qualityGate: false, ...o.trainer },
      log: { level: "silent", ...o.log },
    },
  );
}
