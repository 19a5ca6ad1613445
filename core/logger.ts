import { pino, type Logger } from "pino";

export type { Logger };

/** The one logger factory: JSON lines to stderr (stdout stays for command output). */
export function createLogger(level: string, name = "oracle"): Logger {
  return pino({ name, level }, pino.destination(2));
}

/** A logger that drops everything, for tests and library callers that pass none. */
export const silentLogger: Logger = pino({ level: "silent" });
