// DISCORD_SHARDS=2 in one process: two gateway connections, each guild's events on its own shard;
// commands answered and reactions logged exactly once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../../helpers/wait.ts";
import { FakeDiscord, snowflake } from "./fake-discord.ts";
import { startBotFixture, type BotFixture } from "./bot-fixture.ts";

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
    const user = snowflake();
    const interaction = fake.commandInteraction("prophecy", [], { userId: user });
    fake.dispatch("INTERACTION_CREATE", interaction);
    await fake.waitForRequest((r) => r.path.startsWith(`/interactions/${interaction.id}/`));
    const message = fake.original(interaction.token)!;
    const row = await waitFor("the prophecy row", () =>
      fx.db.prisma.prophecy.findFirst({ where: { messageRef: message.id } }),
    );
    const fan = snowflake();
    fake.dispatch("MESSAGE_REACTION_ADD", fake.reaction("add", message.id, fan, { id: null, name: "🌙" }));
    const reactionLines = () =>
      fx.logs.filter((l) => l.msg === "reaction recorded" && l.messageRef === message.id && l.userId === fan);
    await waitFor("the reaction handled", () => reactionLines().length === 1);
    // A second command from the same user on the same shard, answered after the first and the
    // reaction: had either been handled twice, the repeat would have come before it.
    const marker = fake.commandInteraction("prophecy", [], { userId: user });
    fake.dispatch("INTERACTION_CREATE", marker);
    await fake.waitForRequest((r) => r.path.startsWith(`/interactions/${marker.id}/`));
    const markerMessage = fake.original(marker.token)!;
    await waitFor("the second prophecy row", () =>
      fx.db.prisma.prophecy.findFirst({ where: { messageRef: markerMessage.id } }),
    );
    expect(fake.requests.filter((r) => r.path.startsWith(`/interactions/${interaction.id}/`))).toHaveLength(1);
    expect(await fx.db.prisma.prophecy.count({ where: { requestedBy: user } })).toBe(2);
    expect(reactionLines()).toHaveLength(1);
    expect(await fx.db.prisma.reaction.count({ where: { prophecyId: row.id, present: true } })).toBe(1);
  });
});
