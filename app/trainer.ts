// `oracle trainer`: a process that runs the trainer service alone.
import { getPriority, setPriority } from "node:os";
import type { Config } from "../config/schema.ts";
import { shortError } from "../core/errors.ts";
import { createLogger, type Logger } from "../core/logger.ts";
import { initBackend } from "../core/tf/backend.ts";
import { runTrainer, type RunTrainerOptions } from "../trainer/main.ts";
import type { TrainerHandle } from "../trainer/service.ts";
import { exitOnSignals, SHUTDOWN_LIMIT_MS } from "./signals.ts";

export interface TrainerProcessOptions extends Omit<RunTrainerOptions, "backend"> {
  /** Called with the exit code after SIGTERM/SIGINT (default process.exit). */
  exit?: (code: number) => void;
}

/** How long the current batch may take after SIGTERM before the job is re-queued regardless. */
export const TRAINER_STOP_MS = 7_000;

/**
 * TRAINER_NICE: a training on the machine that serves must not take the bot's cores (a retrain during
 * 100 requests/s put the bot's p99 at 4 s). Set first, on this thread, so every thread started after
 * it (the training helpers) inherits it; never raised (that needs privileges).
 */
function yieldToServing(nice: number, log: Logger): void {
  try {
    if (getPriority() < nice) setPriority(nice);
  } catch (error) {
    log.warn({ nice, err: shortError(error) }, "could not lower the trainer's CPU priority");
  }
}

/**
 * The CPU niceness (TRAINER_NICE), the tfjs backend (TRAINER_BACKEND), the trainer service, and the signals that stop it after the
 * current batch: the job re-queued, the lease released, the database closed, exit 0.
 */
export async function trainerProcess(config: Config, opts: TrainerProcessOptions = {}): Promise<TrainerHandle> {
  const log = opts.log ?? createLogger(config.log.level, { name: "trainer" });
  yieldToServing(config.trainer.nice, log);
  const backend = await initBackend({ preference: config.training.backend }, log);
  const trainer = await runTrainer(config, { ...opts, log, backend: backend.name });
  exitOnSignals({
    log,
    shutdown: () => trainer.stop({ timeoutMs: TRAINER_STOP_MS }),
    hardLimitMs: SHUTDOWN_LIMIT_MS,
    exit: opts.exit,
  });
  return trainer;
}
