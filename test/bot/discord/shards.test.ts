// DISCORD_SHARDS=2 in one process: two gateway connections, each guild's events on its own shard;
// commands answered and reactions logged exactly once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeDiscord, snowflake } from "./fake-discord.ts";
import { startBotFixture, type BotFixture } from "./bot-fixture.ts";
import { settle, waitUntil } from "./wait.ts";

describe("Discord gateway with two shards [sqlite]", () => {
  const fake = new FakeDiscord();
  let fx: BotFixture;
  beforeAll(async () => {
    await fake.start();
    fx = await startBotFixture("sqlite", {
      token: fake.token,
      applicationId: fake.applicationId,
      guildId: fake.guildId,
      apiUrl: fake.apiUrl,
      shards: 2,
    });
  }, 180_000);
  afterAll(async () => {
    await fx?.close();
    await fake.close();
  });

  it("identifies shards 0 and 1 of 2, and serves a command and a reaction once", async () => {
    expect(fake.identifiedShards.map((s) => s.join("/")).sort()).toEqual(["0/2", "1/2"]);
    const interaction = fake.commandInteraction("prophecy", [], { userId: snowflake() });
    fake.dispatch("INTERACTION_CREATE", interaction);
    await fake.waitForRequest((r) => r.path.startsWith(`/interactions/${interaction.id}/`));
    const message = fake.original(interaction.token)!;
    const row = await waitUntil(() => fx.db.prisma.prophecy.findFirst({ where: { messageRef: message.id } }));
    fake.dispatch("MESSAGE_REACTION_ADD", fake.reaction("add", message.id, snowflake(), { id: null, name: "🌙" }));
    await waitUntil(
      async () => (await fx.db.prisma.reaction.count({ where: { prophecyId: row.id, present: true } })) === 1,
    );
    await settle();
    expect(fake.requests.filter((r) => r.path.startsWith(`/interactions/${interaction.id}/`))).toHaveLength(1);
    expect(await fx.db.prisma.prophecy.count({ where: { requestedBy: interaction.member.user.id } })).toBe(1);
  });
});
