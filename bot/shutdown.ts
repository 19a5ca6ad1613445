import type { Logger } from "../core/logger.ts";

export interface SignalOptions {
  log: Logger;
  /** Drains, stops and closes everything; resolves when the process may exit 0. */
  shutdown: (signal: NodeJS.Signals) => Promise<void>;
  /** Longest the whole shutdown may take before the process exits 1 regardless (a hung close). */
  hardLimitMs: number;
  exit?: (code: number) => void;
}

/**
 * SIGTERM / SIGINT run the shutdown once and exit 0. A bug that escapes every handler (an uncaught
 * exception or a stray rejection) is logged with its stack and the bot keeps serving: one broken
 * command must not take every other user's answers down with it.
 */
export function exitOnSignals(opts: SignalOptions): void {
  const exit = opts.exit ?? ((code: number) => process.exit(code));
  let started = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (started) return;
    started = true;
    opts.log.info({ signal }, "shutting down: no new work, draining what is in flight");
    setTimeout(() => {
      opts.log.error({ limitMs: opts.hardLimitMs }, "shutdown took too long; exiting");
      exit(1);
    }, opts.hardLimitMs).unref();
    opts.shutdown(signal).then(
      () => exit(0),
      (err) => {
        opts.log.error({ err }, "shutdown failed");
        exit(1);
      },
    );
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
  process.on("unhandledRejection", (reason) =>
    opts.log.error({ err: reason }, "unhandled promise rejection (a bug; still serving)"),
  );
  process.on("uncaughtException", (err) => opts.log.error({ err }, "uncaught exception (a bug; still serving)"));
}
