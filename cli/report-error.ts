import { CommanderError } from "commander";
import { ConfigError } from "../config/define.ts";
import { isUserError } from "../core/errors.ts";
import { escapeControlCharacters } from "../core/text/escape.ts";

/** Messages quote user input: keep line breaks, show every other control character escaped. */
const safe = (s: string) => s.split("\n").map(escapeControlCharacters).join("\n");

/** Prints an error the way a user should see it and returns the exit code. */
export function reportError(error: unknown, stderr: NodeJS.WritableStream): number {
  if (error instanceof CommanderError) return error.exitCode; // commander already printed it (help exits 0)
  if (isUserError(error)) {
    stderr.write(`error: ${safe(error.message)}\n${error.hint ? `hint: ${safe(error.hint)}\n` : ""}`);
    return 1;
  }
  if (error instanceof ConfigError) {
    stderr.write(`error: ${safe(error.message)}\n`);
    return 1;
  }
  // A bug, not a user mistake: the stack helps whoever fixes it.
  stderr.write(`internal error: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  return 2;
}
