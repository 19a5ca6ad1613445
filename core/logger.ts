import { pino, type Logger } from "pino";
import pretty from "pino-pretty";

export type { Logger };

export interface LoggerOptions {
  name?: string;
  /** Human-readable lines (for a terminal) instead of JSON lines (for log collectors). */
  pretty?: boolean;
  /** A file to append JSON lines to instead of stderr (the load bench). */
  destination?: string;
}

/** The one logger factory: to stderr, so stdout stays for command output. */
export function createLogger(level: string, options: LoggerOptions = {}): Logger {
  const name = options.name ?? "oracle";
  const destination = options.pretty
    ? pretty({ destination: 2, sync: true, colorize: true, ignore: "pid,hostname", translateTime: "HH:MM:ss" })
    : pino.destination(options.destination ?? 2);
  return pino({ name, level }, destination);
}

/** A logger that drops everything, for tests and library callers that pass none. */
export const silentLogger: Logger = pino({ level: "silent" });
