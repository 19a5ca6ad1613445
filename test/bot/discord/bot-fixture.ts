// A bot service (the real runBot with the Discord surface) on a fresh database with a tiny model
// trained on a corpus slice, pointed at a fake Discord.
import { Writable } from "node:stream";
import { pino } from "pino";
import { runBot, type BotHandle } from "../../../bot/main.ts";
import { discordSurface } from "../../../bot/discord/index.ts";
import type { Config, ConfigOverrides } from "../../../config/schema.ts";
import type { Db, Provider } from "../../../core/db/client.ts";
import { silentLogger } from "../../../core/logger.ts";
import { initBackend } from "../../../core/tf/backend.ts";
import { trainVersion } from "../../../core/training/train-version.ts";
import { testConfig } from "../../helpers/config.ts";
import { freshDatabase } from "../../helpers/db.ts";

export interface BotFixture {
  db: Db;
  config: Config;
  bot: BotHandle;
  /** The bot's pino lines (debug and up), parsed. */
  logs: Record<string, unknown>[];
  /** Trains (and promotes) one more version on the slice. */
  trainAnother(): Promise<number>;
  close(): Promise<void>;
}

export async function startBotFixture(
  provider: Provider,
  discord: NonNullable<ConfigOverrides>["discord"],
  botSettings: NonNullable<ConfigOverrides>["bot"] = {},
): Promise<BotFixture> {
  await initBackend({ preference: "wasm" });
  const fresh = await freshDatabase(provider);
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const l of String(chunk).split("\n")) if (l.trim()) logs.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  const config = testConfig(fresh.db.url, {
    trainer: { promotionTolerance: 10, evalSamples: 0 },
    bot: {
      port: 0,
      host: "127.0.0.1",
      backend: "wasm",
      modelPollSeconds: 0.05,
      rateLimitPerMinute: 0,
      drainSeconds: 2,
      ...botSettings,
    },
    discord: { registerCommands: true, announceSeconds: 0.1, ...discord },
  });
  const train = async () =>
    (await trainVersion({ db: fresh.db, config, log: silentLogger }, { maxDocuments: 30, warmStart: false })).version!;
  await train();
  let bot: BotHandle;
  try {
    // Debug: the reaction lines are what tests wait for (each event handled, whatever its outcome).
    bot = await runBot(config, { log: pino({ level: "debug" }, sink), surfaces: [discordSurface] });
  } catch (err) {
    await fresh.drop();
    throw err;
  }
  return {
    db: fresh.db,
    config,
    bot,
    logs,
    trainAnother: train,
    async close() {
      await bot.stop();
      await fresh.drop();
    },
  };
}
