// A token Discord refuses stops the bot at start with one clear line (no stack), nothing left running.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runBot } from "../../../bot/main.ts";
import { discordSurface } from "../../../bot/discord/index.ts";
import { isUserError } from "../../../core/errors.ts";
import { silentLogger } from "../../../core/logger.ts";
import { testConfig } from "../../helpers/config.ts";
import { scratchSqlite } from "../../helpers/db.ts";
import { FakeDiscord } from "./fake-discord.ts";

describe("Discord gateway with a wrong token", () => {
  const fake = new FakeDiscord();
  const scratch = scratchSqlite();
  beforeAll(async () => {
    await fake.start();
  });
  afterAll(async () => {
    await fake.close();
    await scratch.drop();
  });

  it("runBot rejects with a UserError naming DISCORD_TOKEN", async () => {
    const config = testConfig(scratch.url, {
      bot: { port: 0, host: "127.0.0.1", backend: "wasm" },
      discord: {
        token: "not-the-token",
        applicationId: fake.applicationId,
        apiUrl: fake.apiUrl,
        registerCommands: false,
      },
    });
    const error = await runBot(config, { log: silentLogger, surfaces: [discordSurface] }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(isUserError(error)).toBe(true);
    expect((error as Error).message).toMatch(/DISCORD_TOKEN/);
    expect(fake.connected).toBe(0);
  });
});
