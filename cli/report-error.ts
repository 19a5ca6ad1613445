import { CommanderError } from "commander";
import { ConfigError } from "../config/define.ts";
import { isUserError } from "../core/errors.ts";

/** Prints an error the way a user should see it and returns the exit code. */
export function reportError(error: unknown, stderr: NodeJS.WritableStream): number {
  if (error instanceof CommanderError) return error.exitCode; // commander already printed it (help exits 0)
  if (isUserError(error)) {
    stderr.write(`error: ${error.message}\n${error.hint ? `hint: ${error.hint}\n` : ""}`);
    return 1;
  }
  if (error instanceof ConfigError) {
    stderr.write(`error: ${error.message}\n`);
    return 1;
  }
  // A bug, not a user mistake: the stack helps whoever fixes it.
  stderr.write(`internal error: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  return 2;
}
