// Shared setup of the serving-core tests: tiny models trained on a corpus slice, a log that can be read back.
import { Writable } from "node:stream";
import { pino, type Logger } from "pino";
import type { Config, ConfigOverrides } from "../../../config/schema.ts";
import type { Db } from "../../../core/db/client.ts";
import { silentLogger } from "../../../core/logger.ts";
import { trainVersion } from "../../../core/training/train-version.ts";
import { testConfig } from "../../helpers/config.ts";

/** The test's limit (bot.rateLimitPerMinute), when it sets one, holds on the web too. */
export function oracleConfig(db: Db, bot: NonNullable<ConfigOverrides>["bot"] = {}): Config {
  return testConfig(db.url, {
    trainer: { promotionTolerance: 10, evalSamples: 0 },
    bot: { backend: "wasm", ...bot },
    ...(bot.rateLimitPerMinute === undefined ? {} : { web: { rateLimitPerMinute: bot.rateLimitPerMinute } }),
  });
}

/** Trains (and, the gate being lenient, promotes) a tiny version on the first 30 quatrains. */
export async function trainTiny(db: Db): Promise<number> {
  const result = await trainVersion({ db, config: oracleConfig(db), log: silentLogger }, { maxDocuments: 30 });
  if (!result.version) throw new Error(`training saved nothing: ${result.reason}`);
  return result.version;
}

/** A logger whose JSON lines are kept in `lines`. */
export function capturedLog(): { log: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split("\n"))
        if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { log: pino({ level: "info" }, stream), lines };
}
