import { CommanderError } from "commander";
import { describeError } from "../core/errors.ts";
import { escapeControlCharacters } from "../config/text/escape.ts";

/** Messages quote user input: keep line breaks, show every other control character escaped. */
const safe = (s: string) => s.split("\n").map(escapeControlCharacters).join("\n");

/** Prints an error the way a user should see it and returns the exit code (core/errors.ts: user 1, bug 2). */
export function reportError(error: unknown, stderr: NodeJS.WritableStream): number {
  if (error instanceof CommanderError) return error.exitCode; // commander already printed it (help exits 0)
  const d = describeError(error);
  if (d.kind === "user") {
    stderr.write(`error: ${safe(d.message)}\n${d.hint ? `hint: ${safe(d.hint)}\n` : ""}`);
  } else {
    // A bug, not a user mistake: the stack helps whoever fixes it.
    stderr.write(`internal error: ${d.stack ?? d.message}\n`);
  }
  return d.exitCode;
}
