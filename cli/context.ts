import { loadConfig, type Config, type ConfigOverrides } from "../config/schema.ts";
import { createLogger, type Logger } from "../core/logger.ts";
import { openDatabase, type Db } from "../core/db/client.ts";

/** What every command needs, built lazily so `oracle --help` touches no database. */
export interface CliContext {
  env: Record<string, string | undefined>;
  stdout: NodeJS.WritableStream;
  /** isTTY: a terminal gets a progress bar and readable logs. */
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  /** Who runs the command, as recorded on jobs, promotions and prophecies. */
  user: string;
  /** Set by the global --verbose: the log shows debug lines (the backend choice, among others). */
  verbose: boolean;
  /**
   * A long-running service (serve, trainer, bot) logs at LOG_LEVEL; any other command's output is
   * for a person, so its log shows warnings and errors only, unless LOG_LEVEL is set or --verbose given.
   */
  service: boolean;
  /** Parsed once; overrides (from flags) apply on the first call only. */
  config(overrides?: ConfigOverrides): Config;
  log(): Logger;
  db(): Promise<Db>;
  close(): Promise<void>;
}

export function createContext(
  env: Record<string, string | undefined>,
  streams: { stdout?: NodeJS.WritableStream; stderr?: NodeJS.WritableStream & { isTTY?: boolean } } = {},
): CliContext {
  let config: Config | undefined;
  let log: Logger | undefined;
  let db: Promise<Db> | undefined;
  const context: CliContext = {
    env,
    user: env.USER ?? "cli",
    verbose: false,
    service: false,
    stdout: streams.stdout ?? process.stdout,
    stderr: streams.stderr ?? process.stderr,
    config(overrides) {
      config ??= loadConfig(env, overrides);
      return config;
    },
    log() {
      const level = context.verbose ? "debug" : context.service || env.LOG_LEVEL ? context.config().log.level : "warn";
      log ??= createLogger(level, {
        pretty: Boolean(context.stderr.isTTY),
      });
      return log;
    },
    db() {
      db ??= openDatabase(context.config().database.url, { log: context.log() });
      return db;
    },
    async close() {
      if (db) await (await db.catch(() => undefined))?.close();
    },
  };
  return context;
}
