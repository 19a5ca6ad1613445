import { describe, expect, it } from "vitest";
import { ConfigError, describeSpec } from "../../config/define.ts";
import { loadConfig, spec } from "../../config/schema.ts";

describe("config", () => {
  it("gives the seed's defaults with an empty environment", () => {
    const c = loadConfig({});
    expect(c.model).toMatchObject({ phraseLength: 4, units: 128, dropout: 0.5, recurrentDropout: 0.5, l2: 0.02 });
    expect(c.training).toMatchObject({ batchSize: 512, learningRate: 0.003, validationFraction: 0.05, backend: "auto" });
    expect(c.sampling).toMatchObject({ minTemperature: 0.1, maxTemperature: 2, defaultTemperature: 1, maxCopiedWords: 6 });
    expect(c.database.url).toBe("file:./data/oracle.db");
  });

  it("reads and coerces environment variables", () => {
    const c = loadConfig({ TRAIN_EPOCHS: "7", TRAINER_WARM_START: "false", SAMPLING_MAX_TEMPERATURE: "1.5", DATABASE_URL: "postgresql://x/y" });
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
    expect(() => loadConfig({ SAMPLING_MIN_TEMPERATURE: "1.5", SAMPLING_MAX_TEMPERATURE: "1" })).toThrow(/must not exceed/);
  });

  it("documents every key with its variable and default", () => {
    const doc = describeSpec(spec);
    for (const group of Object.values(spec)) for (const s of Object.values(group)) expect(doc).toContain(`\`${s.env}\``);
    expect(doc).toMatch(/TRAIN_BATCH_SIZE.*512/);
  });

  it("reads the slack group: off by default, admin ids as a list, a bot token needs a way in", () => {
    expect(loadConfig({}).slack).toMatchObject({ botToken: undefined, apiUrl: "https://slack.com/api/", adminUserIds: [], maxInFlight: 64 });
    const c = loadConfig({ SLACK_BOT_TOKEN: "xoxb-1", SLACK_SIGNING_SECRET: "s", SLACK_ADMIN_USER_IDS: "U1, U2,,", SLACK_API_URL: "http://127.0.0.1:9/api/" });
    expect(c.slack).toMatchObject({ botToken: "xoxb-1", signingSecret: "s", adminUserIds: ["U1", "U2"], apiUrl: "http://127.0.0.1:9/api/" });
    expect(loadConfig({ SLACK_BOT_TOKEN: "xoxb-1", SLACK_APP_TOKEN: "xapp-1" }).slack.appToken).toBe("xapp-1");
    expect(() => loadConfig({ SLACK_BOT_TOKEN: "xoxb-1" })).toThrow(/SLACK_SIGNING_SECRET.*SLACK_APP_TOKEN/);
    expect(() => loadConfig({ SLACK_API_URL: "not a url" })).toThrow(/SLACK_API_URL/);
  });
});
