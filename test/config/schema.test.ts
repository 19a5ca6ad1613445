import { describe, expect, it } from "vitest";
import { ConfigError, describeSpec, type Spec } from "../../config/define.ts";
import { loadConfig, spec } from "../../config/schema.ts";

describe("config", () => {
  it("gives the sequence model's defaults with an empty environment, the window model's under tuned and seed", () => {
    const c = loadConfig({});
    expect(c.model).toMatchObject({
      profile: "sequence",
      architecture: "sequence",
      units: 128,
      layers: 1,
      tiedOutput: true,
      dropout: 0.3,
    });
    expect(c.training).toMatchObject({
      batchSize: 16,
      learningRate: 0.003,
      validationFraction: 0.05,
      backend: "auto",
      classWeightPower: 0,
      patience: 3,
      learningRateDecay: 0.5,
      maxMinutes: 30,
      testFraction: 0.05,
    });
    expect(c.sampling).toMatchObject({
      topK: 0,
      topP: 1,
      minP: 0,
      presencePenalty: 2,
      repeatAllowance: 1,
      frequencyPrior: 1.5,
      noImmediateRepeat: true,
      punctuationRules: true,
      endOnTerminal: true,
    });
    const tuned = loadConfig({ MODEL_PROFILE: "tuned" });
    expect(tuned.model).toMatchObject({ architecture: "window", phraseLength: 4, dropout: 0.1, recurrentDropout: 0.1 });
    expect(tuned.training).toMatchObject({ batchSize: 512, patience: 2, learningRateDecay: 1 });
    expect(tuned.sampling).toMatchObject({ topK: 40, topP: 0.95, presencePenalty: 0, frequencyPrior: 0 });
    const seed = loadConfig({ MODEL_PROFILE: "seed" });
    expect(seed.model).toMatchObject({
      profile: "seed",
      architecture: "window",
      phraseLength: 4,
      units: 128,
      dropout: 0.5,
      recurrentDropout: 0.5,
      l2: 0.02,
    });
    expect(seed.training).toMatchObject({
      epochs: 20,
      batchSize: 512,
      classWeightPower: 0.5,
      patience: 0,
      maxMinutes: 0,
    });
    // A variable set explicitly wins over the profile; overrides win over both.
    expect(loadConfig({ MODEL_PROFILE: "seed", MODEL_DROPOUT: "0.2" }).model.dropout).toBe(0.2);
    expect(loadConfig({ MODEL_PROFILE: "seed" }, { model: { dropout: 0.3 } }).model.dropout).toBe(0.3);
    expect(() => loadConfig({ MODEL_PROFILE: "night" })).toThrow(/MODEL_PROFILE/);
    expect(c.sampling).toMatchObject({
      minTemperature: 0.1,
      maxTemperature: 2,
      defaultTemperature: 1,
      maxCopiedWords: 6,
    });
    expect(c.database.url).toBe("file:./data/oracle.db");
  });

  it("reads and coerces environment variables", () => {
    const c = loadConfig({
      TRAIN_EPOCHS: "7",
      TRAINER_WARM_START: "false",
      SAMPLING_MAX_TEMPERATURE: "1.5",
      DATABASE_URL: "postgresql://x/y",
    });
    expect(c.training.epochs).toBe(7);
    expect(c.trainer.warmStart).toBe(false);
    expect(c.sampling.maxTemperature).toBe(1.5);
    expect(c.database.url).toBe("postgresql://x/y");
  });

  it("lets overrides win over the environment", () => {
    expect(loadConfig({ TRAIN_EPOCHS: "7" }, { training: { epochs: 2 } }).training.epochs).toBe(2);
  });

  it("names every bad variable in one error", () => {
    const attempt = () => loadConfig({ TRAIN_EPOCHS: "many", TRAINER_BACKEND: "tpu", MODEL_DROPOUT: "2" });
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (e) {
      const problems = (e as ConfigError).problems.join("\n");
      expect(problems).toMatch(/TRAIN_EPOCHS/);
      expect(problems).toMatch(/TRAINER_BACKEND/);
      expect(problems).toMatch(/MODEL_DROPOUT/);
    }
  });

  it("rejects a temperature range that is upside down", () => {
    expect(() => loadConfig({ SAMPLING_MIN_TEMPERATURE: "1.5", SAMPLING_MAX_TEMPERATURE: "1" })).toThrow(
      /must not exceed/,
    );
  });

  it("documents every key with its variable and default", () => {
    const doc = describeSpec(spec);
    const settings: Spec = spec;
    for (const group of Object.values(settings))
      for (const s of Object.values(group)) expect(doc).toContain(`\`${s.env}\``);
    expect(doc).toMatch(/TRAIN_BATCH_SIZE.*512/);
  });

  it("says the setting, the value and the range when a value is out of range", () => {
    const problems = (env: Record<string, string>) => {
      try {
        loadConfig(env);
      } catch (e) {
        return (e as ConfigError).problems.join("\n");
      }
      throw new Error("no ConfigError");
    };
    expect(problems({ TRAIN_EPOCHS: "0" })).toBe(
      'TRAIN_EPOCHS="0": TRAIN_EPOCHS (training.epochs) must be a whole number from 1 to 10000.',
    );
    expect(problems({ TRAINER_LEASE_TIMEOUT_SECONDS: "0.5" })).toMatch(
      /TRAINER_LEASE_TIMEOUT_SECONDS="0.5": .*must be a number from 1 to 3600/,
    );
    expect(problems({ TRAINER_BACKEND: "tpu" })).toMatch(
      /must be one of auto, tensorflow-gpu, tensorflow, webgpu, wasm, cpu/,
    );
    expect(problems({ TRAINER_WARM_START: "maybe" })).toMatch(/TRAINER_WARM_START="maybe": .*must be true or false/);
    expect(problems({ TRAIN_EPOCHS: "1e1" })).toMatch(/TRAIN_EPOCHS="1e1"/); // plain decimals only, as on the command line
    expect(problems({ TRAIN_EPOCHS: "0x1" })).toMatch(/TRAIN_EPOCHS="0x1"/);
    expect(problems({ TRAIN_EPOCHS: "x\x1b[31m" })).toMatch(/TRAIN_EPOCHS="x\\x1b\[31m"/);
  });

  it("refuses a heartbeat that is not well under the lease timeout", () => {
    expect(() => loadConfig({ TRAINER_HEARTBEAT_SECONDS: "30", TRAINER_LEASE_TIMEOUT_SECONDS: "60" })).toThrow(
      /TRAINER_HEARTBEAT_SECONDS=30 must be at most a third of TRAINER_LEASE_TIMEOUT_SECONDS=60/,
    );
    expect(
      loadConfig({ TRAINER_HEARTBEAT_SECONDS: "20", TRAINER_LEASE_TIMEOUT_SECONDS: "60" }).trainer.heartbeatSeconds,
    ).toBe(20);
  });

  it("has minimum corpus sizes", () => {
    expect(loadConfig({}).corpus).toMatchObject({ minDocuments: 20, minTokens: 500 });
    expect(loadConfig({ CORPUS_MIN_DOCUMENTS: "3", CORPUS_MIN_TOKENS: "10" }).corpus).toMatchObject({
      minDocuments: 3,
      minTokens: 10,
    });
  });

  it("reads the slack group: off by default, admin ids as a list, a bot token needs a way in", () => {
    expect(loadConfig({}).slack).toMatchObject({
      botToken: undefined,
      apiUrl: "https://slack.com/api/",
      adminUserIds: [],
    });
    // One in-flight limit for every surface, in the bot group (no per-surface counters left).
    expect(loadConfig({}).bot.maxInFlight).toBe(64);
    expect("maxInFlight" in loadConfig({}).slack).toBe(false);
    expect("maxPending" in loadConfig({}).discord).toBe(false);
    const c = loadConfig({
      SLACK_BOT_TOKEN: "xoxb-1",
      SLACK_SIGNING_SECRET: "s",
      SLACK_ADMIN_USER_IDS: "U1, U2,,",
      SLACK_API_URL: "http://127.0.0.1:9/api/",
    });
    expect(c.slack).toMatchObject({
      botToken: "xoxb-1",
      signingSecret: "s",
      adminUserIds: ["U1", "U2"],
      apiUrl: "http://127.0.0.1:9/api/",
    });
    expect(loadConfig({ SLACK_BOT_TOKEN: "xoxb-1", SLACK_APP_TOKEN: "xapp-1" }).slack.appToken).toBe("xapp-1");
    expect(() => loadConfig({ SLACK_BOT_TOKEN: "xoxb-1" })).toThrow(/SLACK_SIGNING_SECRET.*SLACK_APP_TOKEN/);
    expect(() => loadConfig({ SLACK_API_URL: "not a url" })).toThrow(/SLACK_API_URL/);
  });
});
