// `oracle serve` (`npm start`): the whole oracle in one process — the trainer service and the bot
// service (every surface whose settings are present, and the web page) on one database. Only this
// entry composes the two; surfaces never import trainer/.
import path from "node:path";
import type { Config } from "../config/schema.ts";
import { HOW_TO_GET_CORPUS } from "../core/corpus/read-corpus.ts";
import { openDatabase } from "../core/db/client.ts";
import { currentModelVersion } from "../core/db/model-versions.ts";
import { createLogger, type Logger } from "../core/logger.ts";
import { ensureCorpus } from "../core/setup/fetch-corpus.ts";
import { runBot, type BotHandle, type RunBotOptions } from "../bot/main.ts";
import { runTrainer, type RunTrainerOptions } from "./main.ts";
import type { TrainerHandle } from "./service.ts";

/** SIGTERM must leave the whole process within this (an orchestrator's usual grace period). */
export const SERVE_SHUTDOWN_MS = 10_000;

export interface ServeOptions {
  log?: Logger;
  surfaces?: RunBotOptions["surfaces"];
  makeTrain?: RunTrainerOptions["makeTrain"];
  /** Called once with the process's exit code after SIGTERM/SIGINT (default process.exit). */
  exit?: (code: number) => void;
}

export interface ServeHandle {
  bot: BotHandle;
  trainer: TrainerHandle;
}

/**
 * `npm start` on a fresh checkout: fetches the corpus (CORPUS_URL, sha256-checked) when CORPUS_PATH
 * is missing; an existing file, the user's own included, is never replaced. When it cannot be had,
 * it fails before anything starts if there is no model to serve (the error says how to give a local
 * file); with a model already current, a missing corpus only stops retraining, so it is a warning.
 */
async function checkCorpus(config: Config, log: Logger): Promise<void> {
  const file = path.resolve(config.corpus.path);
  let missing: unknown;
  try {
    const fetched = await ensureCorpus({ dest: file, source: config.corpus.url, sha256: config.corpus.sha256 });
    if (fetched) log.info({ corpus: file, from: config.corpus.url, sha256: fetched.sha256 }, "corpus fetched");
    return;
  } catch (error) {
    missing = error;
  }
  const db = await openDatabase(config.database.url, { log });
  const current = await currentModelVersion(db).finally(() => db.close());
  if (!current) throw missing;
  log.warn(
    { corpus: file, hint: HOW_TO_GET_CORPUS, err: (missing as Error).message },
    "corpus missing: serving the current model, but retraining will fail",
  );
}

export async function runServe(config: Config, opts: ServeOptions = {}): Promise<ServeHandle> {
  const log = opts.log ?? createLogger(config.log.level);
  const exit = opts.exit ?? ((code: number) => process.exit(code));
  await checkCorpus(config, log);

  // Both services listen for SIGTERM; the process exits once both have stopped, with the worse
  // code, or after SERVE_SHUTDOWN_MS regardless. The bot's drain is capped to fit in that time.
  const codes: number[] = [];
  let hardTimer: NodeJS.Timeout | undefined;
  const stopped = (code: number) => {
    hardTimer ??= setTimeout(() => {
      log.error({ limitMs: SERVE_SHUTDOWN_MS }, "shutdown took too long; exiting");
      exit(1);
    }, SERVE_SHUTDOWN_MS).unref();
    codes.push(code);
    if (codes.length === 2) {
      clearTimeout(hardTimer);
      exit(Math.max(...codes));
    }
  };
  const botConfig: Config = { ...config, bot: { ...config.bot, drainSeconds: Math.min(config.bot.drainSeconds, 7) } };

  // The trainer first: on a fresh database it queues the first model and starts training it while
  // the bot comes up answering "still learning" (and /readyz 503 with why).
  const trainer = await runTrainer(config, {
    log: log.child({ service: "trainer" }),
    makeTrain: opts.makeTrain,
    exit: stopped,
  });
  let bot: BotHandle;
  try {
    bot = await runBot(botConfig, { log: log.child({ service: "bot" }), surfaces: opts.surfaces, exit: stopped });
  } catch (err) {
    await trainer.stop({ timeoutMs: 5_000 }).catch(() => {});
    throw err;
  }
  log.info(
    { url: bot.url, surfaces: bot.surfaces, trainer: trainer.runnerId },
    `oracle serving on ${bot.url} (trainer and bot in one process)`,
  );
  return { bot, trainer };
}
