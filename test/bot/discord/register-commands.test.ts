// `oracle bot register-commands` as a process, against the fake Discord's REST side.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runOracle } from "../../helpers/run-oracle.ts";
import { FakeDiscord } from "./fake-discord.ts";

describe("oracle bot register-commands", () => {
  const fake = new FakeDiscord();
  beforeAll(async () => {
    await fake.start();
  });
  afterAll(async () => {
    await fake.close();
  });

  it("registers the four commands globally without DISCORD_GUILD_ID (asking Discord for the application id)", async () => {
    const r = await runOracle(["bot", "register-commands"], {
      DISCORD_TOKEN: fake.token,
      DISCORD_API_URL: fake.apiUrl,
    });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Registered \/prophecy, \/retrain, \/history, \/model \(global\)/);
    expect(fake.requests.map((q) => `${q.method} ${q.path}`)).toEqual([
      "GET /applications/@me",
      `PUT /applications/${fake.applicationId}/commands`,
    ]);
    expect(fake.requests[1].auth).toBe(`Bot ${fake.token}`);
  });

  it("to one guild with DISCORD_GUILD_ID", async () => {
    const r = await runOracle(["bot", "register-commands"], {
      DISCORD_TOKEN: fake.token,
      DISCORD_API_URL: fake.apiUrl,
      DISCORD_APPLICATION_ID: fake.applicationId,
      DISCORD_GUILD_ID: fake.guildId,
    });
    expect(r.code).toBe(0);
    const put = fake.requests.at(-1)!;
    expect(`${put.method} ${put.path}`).toBe(`PUT /applications/${fake.applicationId}/guilds/${fake.guildId}/commands`);
    expect((put.body as unknown as { name: string }[]).map((c) => c.name)).toEqual([
      "prophecy",
      "retrain",
      "history",
      "model",
    ]);
  });

  it("without a token: one line, exit 1", async () => {
    const r = await runOracle(["bot", "register-commands"], { DISCORD_API_URL: fake.apiUrl });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/DISCORD_TOKEN/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
