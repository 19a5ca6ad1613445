// The trainer service entry: builds its dependencies, registers signal handlers, starts.
// `oracle trainer` calls runTrainer; `node --import tsx trainer/main.ts` runs it directly.
import { pathToFileURL } from "node:url";
import { loadConfig, type Config } from "../config/schema.ts";
import { openDatabase } from "../core/db/client.ts";
import { describeError } from "../core/errors.ts";
import { checkGloveSource } from "../core/glove/index.ts";
import { createLogger, type Logger } from "../core/logger.ts";
import { initBackend } from "../core/tf/backend.ts";
import { startTrainerService, type TrainerHandle } from "./service.ts";
import { exitOnSignals } from "./shutdown.ts";
import { queueFirstModel } from "./first-model.ts";
import { trainVersionFn } from "./train-version-fn.ts";
import type { TrainFn } from "./types.ts";
import type { TrainVersionDeps } from "../core/training/train-version.ts";

export interface RunTrainerOptions {
  log?: Logger;
  /** Replaces the real training run (test fixtures: a corpus slice, or no learning at all). */
  makeTrain?: (deps: TrainVersionDeps) => TrainFn;
  exit?: (code: number) => void;
  /** Queue a training at start when no model is current (default true). */
  queueFirstModel?: boolean;
}

export async function runTrainer(config: Config, opts: RunTrainerOptions = {}): Promise<TrainerHandle> {
  const log = opts.log ?? createLogger(config.log.level, { name: "trainer" });
  // A bad GLOVE_SOURCE is reported at start, not on the first cold start weeks later.
  await checkGloveSource(config.glove.source);
  const db = await openDatabase(config.database.url, { log });
  try {
    const backend = (await initBackend({ preference: config.training.backend }, log)).name;
    const train = (opts.makeTrain ?? trainVersionFn)({ db, config, log });
    if (opts.queueFirstModel !== false) await queueFirstModel(db, log);
    const handle = await startTrainerService({ db, settings: config.trainer, log, train, backend });
    exitOnSignals(handle, { log, cleanup: () => db.close(), exit: opts.exit });
    return handle;
  } catch (err) {
    await db.close();
    throw err;
  }
}

/** Entry-point error handling, as the CLI's: a user error (or bad config) is one line and exit 1, a bug its stack and exit 2. */
export function failStartup(err: unknown): never {
  const d = describeError(err);
  process.stderr.write(d.kind !== "bug" ? `${d.message}\n${d.hint ? `${d.hint}\n` : ""}` : `${d.stack ?? d.message}\n`);
  process.exit(d.exitCode);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    await runTrainer(loadConfig(process.env));
  } catch (err) {
    failStartup(err);
  }
}
