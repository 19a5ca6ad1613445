// `oracle serve` (`npm start`): the whole oracle in one process — the trainer service and the bot
// service (every surface whose settings are present, and the web page) on one database. The only
// module that composes the two: they never import each other.
import path from "node:path";
import type { Config } from "../config/schema.ts";
import { HOW_TO_GET_CORPUS } from "../core/corpus/read-corpus.ts";
import { openDatabase } from "../core/db/client.ts";
import { currentModelVersion } from "../core/db/model-versions.ts";
import { createLogger, type Logger } from "../core/logger.ts";
import { ensureCorpus } from "../core/setup/fetch-corpus.ts";
import { initBackend } from "../core/tf/backend.ts";
import { runBot, type BotHandle, type RunBotOptions } from "../bot/main.ts";
import { runTrainer, type RunTrainerOptions } from "../trainer/main.ts";
import type { TrainerHandle } from "../trainer/service.ts";
import { exitOnSignals, SHUTDOWN_LIMIT_MS } from "./signals.ts";
import { TRAINER_STOP_MS } from "./trainer.ts";

export interface ServeOptions {
  log?: Logger;
  surfaces?: RunBotOptions["surfaces"];
  makeTrain?: RunTrainerOptions["makeTrain"];
  /** Called with the exit code after SIGTERM/SIGINT (default process.exit). */
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

export async function serveProcess(config: Config, opts: ServeOptions = {}): Promise<ServeHandle> {
  const log = opts.log ?? createLogger(config.log.level);
  await checkCorpus(config, log);

  // One backend for both: BOT_BACKEND's, as serving reads tensors synchronously (training runs on it too).
  if (config.training.backend !== "auto" && config.training.backend !== config.bot.backend)
    log.warn(
      { trainerBackend: config.training.backend, botBackend: config.bot.backend },
      "oracle serve trains on BOT_BACKEND's backend; TRAINER_BACKEND applies to oracle trainer and oracle train",
    );
  const backend = await initBackend({ preference: config.bot.backend, setting: "BOT_BACKEND", syncReads: true }, log);

  // The trainer first: on a fresh database it queues the first model and starts training it while
  // the bot comes up answering "still learning" (and /readyz 503 with why).
  const trainer = await runTrainer(config, {
    log: log.child({ service: "trainer" }),
    makeTrain: opts.makeTrain,
    backend: backend.name,
  });
  // The bot's drain is capped so that both services stop within SHUTDOWN_LIMIT_MS.
  const botConfig: Config = { ...config, bot: { ...config.bot, drainSeconds: Math.min(config.bot.drainSeconds, 7) } };
  let bot: BotHandle;
  try {
    bot = await runBot(botConfig, { log: log.child({ service: "bot" }), surfaces: opts.surfaces });
  } catch (err) {
    await trainer.stop({ timeoutMs: 5_000 }).catch(() => {});
    throw err;
  }
  exitOnSignals({
    log,
    // Both stop side by side; the process exits once both have, with the bug code if either failed.
    shutdown: async () => {
      const stopped = await Promise.allSettled([bot.stop(), trainer.stop({ timeoutMs: TRAINER_STOP_MS })]);
      const failed = stopped.find((s) => s.status === "rejected");
      if (failed) throw failed.reason;
    },
    hardLimitMs: SHUTDOWN_LIMIT_MS,
    exit: opts.exit,
  });
  log.info(
    { url: bot.url, surfaces: bot.surfaces, trainer: trainer.runnerId },
    `oracle serving on ${bot.url} (trainer and bot in one process)`,
  );
  return { bot, trainer };
}
