import type { Logger } from "../core/logger.ts";
import type { Surface } from "../core/oracle/types.ts";
import { logFailure, publicError } from "./errors.ts";
import type { WorkTracker } from "./tracker.ts";

/** Which command, from where, by whom: the fields of its log line. */
interface CommandInfo {
  surface: Surface;
  /** e.g. "/prophecy", "button:again", "POST /api/prophecies". */
  command: string;
  /** Platform user id, or the web client's address. */
  user: string;
}

/** Lets a running command add what it produced to its log line. */
export interface CommandScope {
  /** The prophecy (or prophecies) the command answered with. */
  prophecy(id: number | number[]): void;
}

/**
 * Runs one command as tracked work (refused with ShuttingDownError during shutdown) and logs exactly
 * one line for it: surface, command, user, prophecy id, latency ms and outcome (ok, user_error,
 * busy, unavailable (one short line) or error, the last with the stack). Errors are rethrown for the surface to answer
 * (see publicError).
 */
export type RunCommand = <T>(info: CommandInfo, fn: (scope: CommandScope) => Promise<T>) => Promise<T>;

export function commandRunner(log: Logger, tracker: WorkTracker): RunCommand {
  return async (info, fn) => {
    const started = performance.now();
    let prophecyId: number | number[] | null = null;
    const line = (outcome: string) => ({
      surface: info.surface,
      command: info.command,
      user: info.user,
      prophecyId,
      latencyMs: Math.round((performance.now() - started) * 10) / 10,
      outcome,
    });
    const title = `${info.surface} ${info.command}`;
    try {
      const result = await tracker.run(() =>
        fn({
          prophecy: (id) => {
            prophecyId = id;
          },
        }),
      );
      log.info(line("ok"), title);
      return result;
    } catch (err) {
      const classified = publicError(err);
      if (classified.kind === "bug" || classified.kind === "unavailable")
        logFailure(log, err, line(classified.kind === "bug" ? "error" : "unavailable"), title);
      else log.info({ ...line(classified.kind === "user" ? "user_error" : "busy"), reason: classified.message }, title);
      throw err;
    }
  };
}
