// The one way a service process stops: SIGTERM or SIGINT run its shutdown once, then it exits.
import { EXIT_BUG } from "../core/errors.ts";
import type { Logger } from "../core/logger.ts";

/** How long an orchestrator usually waits after SIGTERM before SIGKILL: a process must be gone by then. */
export const SHUTDOWN_LIMIT_MS = 10_000;

export interface SignalOptions {
  log: Logger;
  /** Stops and closes everything the process runs; resolves when it may exit 0. */
  shutdown: (signal: NodeJS.Signals) => Promise<void>;
  /** The longest the shutdown may take before the process exits regardless (a hung close). */
  hardLimitMs: number;
  /** Default process.exit. */
  exit?: (code: number) => void;
}

/**
 * SIGTERM / SIGINT run `shutdown` once and exit 0; a shutdown that fails or outlives `hardLimitMs`
 * exits with the bug code. A bug that escapes every handler (an uncaught exception, a stray
 * rejection) is logged with its stack and the process keeps going: one broken command must not take
 * every other user's answers, or a training in progress, down with it.
 */
export function exitOnSignals(opts: SignalOptions): void {
  const exit = opts.exit ?? ((code: number) => process.exit(code));
  let started = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (started) return;
    started = true;
    opts.log.info({ signal }, "shutting down");
    setTimeout(() => {
      opts.log.error({ limitMs: opts.hardLimitMs }, "shutdown took too long; exiting");
      exit(EXIT_BUG);
    }, opts.hardLimitMs).unref();
    opts.shutdown(signal).then(
      () => exit(0),
      (err: unknown) => {
        opts.log.error({ err }, "shutdown failed");
        exit(EXIT_BUG);
      },
    );
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
  process.on("unhandledRejection", (reason) =>
    opts.log.error({ err: reason }, "unhandled promise rejection (a bug; still running)"),
  );
  process.on("uncaughtException", (err) => opts.log.error({ err }, "uncaught exception (a bug; still running)"));
}
