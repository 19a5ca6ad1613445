import { EXIT_BUG } from "../core/errors.ts";
import type { Logger } from "../core/logger.ts";
import type { TrainerHandle } from "./service.ts";

export interface ShutdownOptions {
  log: Logger;
  /** Closes what the entry point opened (the database). */
  cleanup: () => Promise<void>;
  /** How long the current batch may take to finish before the job is re-queued regardless. */
  stopTimeoutMs?: number;
  exit?: (code: number) => void;
}

/**
 * SIGTERM / SIGINT: stop after the current batch, mark the job, release the lease, close the
 * database and exit 0, well within the 10 s an orchestrator waits before SIGKILL.
 */
export function exitOnSignals(handle: TrainerHandle, opts: ShutdownOptions): void {
  const exit = opts.exit ?? ((code: number) => process.exit(code));
  let shuttingDown = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (shuttingDown) return;
    shuttingDown = true;
    opts.log.info({ signal }, "shutting down: stopping after the current batch");
    handle
      .stop({ timeoutMs: opts.stopTimeoutMs ?? 7_000 })
      .then(opts.cleanup)
      .then(
        () => exit(0),
        (err) => {
          opts.log.error({ err }, "shutdown failed");
          exit(EXIT_BUG);
        },
      );
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
  // A stray rejection is a bug to log, not a reason to drop a training in progress.
  process.on("unhandledRejection", (reason) => opts.log.error({ err: reason }, "unhandled promise rejection"));
}
