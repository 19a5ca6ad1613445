// The trainer service: builds its dependencies and starts it. The process around it (tfjs backend,
// signals, exit) is app/trainer.ts's, or app/serve.ts's.
import type { Config } from "../config/schema.ts";
import { openDatabase } from "../core/db/client.ts";
import { checkGloveSource } from "../core/glove/index.ts";
import { createLogger, type Logger } from "../core/logger.ts";
import type { TrainVersionDeps } from "../core/training/train-version.ts";
import { queueFirstModel } from "./first-model.ts";
import { startTrainerService, type TrainerHandle } from "./service.ts";
import { trainVersionFn } from "./train-version-fn.ts";
import type { TrainFn } from "./types.ts";

export interface RunTrainerOptions {
  /** The tfjs backend the process started, recorded on each job. */
  backend: string;
  log?: Logger;
  /** Replaces the real training run (test fixtures: a corpus slice, or no learning at all). */
  makeTrain?: (deps: TrainVersionDeps) => TrainFn;
  /** Queue a training at start when no model is current (default true). */
  queueFirstModel?: boolean;
}

/** Starts the trainer service on its own database connection; its stop() closes that too. */
export async function runTrainer(config: Config, opts: RunTrainerOptions): Promise<TrainerHandle> {
  const log = opts.log ?? createLogger(config.log.level, { name: "trainer" });
  // A bad GLOVE_SOURCE is reported at start, not on the first cold start weeks later.
  await checkGloveSource(config.glove.source);
  const db = await openDatabase(config.database.url, { log });
  try {
    const train = (opts.makeTrain ?? trainVersionFn)({ db, config, log });
    if (opts.queueFirstModel !== false) await queueFirstModel(db, log);
    const service = await startTrainerService({ db, settings: config.trainer, log, train, backend: opts.backend });
    let stopping: Promise<void> | undefined;
    return { ...service, stop: (o) => (stopping ??= service.stop(o).finally(() => db.close())) };
  } catch (err) {
    await db.close();
    throw err;
  }
}
