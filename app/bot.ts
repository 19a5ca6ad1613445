// `oracle bot`: a process that runs the bot service alone.
import type { Config } from "../config/schema.ts";
import { createLogger } from "../core/logger.ts";
import { initBackend } from "../core/tf/backend.ts";
import { runBot, type BotHandle, type RunBotOptions } from "../bot/main.ts";
import { exitOnSignals } from "./signals.ts";

export interface BotProcessOptions extends RunBotOptions {
  /** Called with the exit code after SIGTERM/SIGINT (default process.exit). */
  exit?: (code: number) => void;
}

/** The tfjs backend (BOT_BACKEND), the bot service, and the signals that drain and stop it. */
export async function botProcess(config: Config, opts: BotProcessOptions = {}): Promise<BotHandle> {
  const log = opts.log ?? createLogger(config.log.level, { name: "bot" });
  await initBackend({ preference: config.bot.backend, setting: "BOT_BACKEND", syncReads: true }, log);
  const bot = await runBot(config, { ...opts, log });
  // Drain time, then a few seconds for the surfaces and the database to close.
  exitOnSignals({
    log,
    shutdown: () => bot.stop(),
    hardLimitMs: config.bot.drainSeconds * 1000 + 5_000,
    exit: opts.exit,
  });
  return bot;
}
