// Issue 18, item 7: signed payloads of the wrong shape are answered 400 (Slack events: acknowledged
// and dropped with a log line, so Slack never retries a permanently bad event), never 500; an emoji
// name past the core's limit is not stored. Signatures are valid: only the shape is wrong.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { freshDatabase, testProviders } from "../helpers/db.ts";
import { startBotFixture, type BotFixture } from "./discord/bot-fixture.ts";
import { FakeDiscord, snowflake } from "./discord/fake-discord.ts";
import { appKeys, signed } from "./discord/signing.ts";
import { trainTinyModel } from "./web/fixture.ts";
import { sendCommand, sendEvent, sendSigned, startSlackBot, type SlackBot } from "./slack/harness.ts";

for (const provider of testProviders) {
  describe(`malformed signed Discord interactions [${provider}]`, () => {
    const keys = appKeys();
    const fake = new FakeDiscord();
    let fx: BotFixture;
    beforeAll(async () => {
      await fake.start();
      fx = await startBotFixture(provider, {
        publicKey: keys.publicKeyHex,
        applicationId: fake.applicationId,
        apiUrl: fake.apiUrl,
      });
    }, 180_000);
    afterAll(async () => {
      await fx?.close();
      await fake.close();
    });

    const base = () => ({
      id: snowflake(),
      application_id: fake.applicationId,
      token: `tok${snowflake()}`,
      version: 1,
    });
    const member = (permissions: unknown) => ({
      user: { id: snowflake(), username: "x", discriminator: "0", global_name: null, avatar: null },
      roles: [],
      permissions,
    });
    const cases: [string, () => unknown][] = [
      ["a JSON null body", () => null],
      ["an array body", () => [1, 2]],
      ["a command (type 2) without data", () => ({ ...base(), type: 2, member: member("0") })],
      [
        "autocomplete without options",
        () => ({ ...base(), type: 4, data: { id: snowflake(), name: "prophecy", type: 1 }, member: member("0") }),
      ],
      [
        "permissions that are not a number",
        () => ({ ...base(), type: 2, data: { id: snowflake(), name: "prophecy", type: 1 }, member: member("abc") }),
      ],
      [
        "options that are not an array",
        () => ({
          ...base(),
          type: 2,
          data: { id: snowflake(), name: "prophecy", type: 1, options: "x" },
          member: member("0"),
        }),
      ],
      [
        "an option without a name",
        () => ({
          ...base(),
          type: 2,
          data: { id: snowflake(), name: "prophecy", type: 1, options: [{ type: 10, value: 1 }] },
          member: member("0"),
        }),
      ],
      [
        "a button (type 3) without a custom id",
        () => ({ ...base(), type: 3, data: { component_type: 2 }, member: member("0") }),
      ],
      ["no type", () => ({ ...base() })],
    ];
    it.each(cases)("%s: 400, nothing written", async (_name, make) => {
      const before = await fx.db.prisma.prophecy.count();
      const request = signed(keys, make());
      const res = await fetch(`${fx.bot.url}/discord/interactions`, {
        method: "POST",
        body: request.body,
        headers: request.headers,
      });
      expect(res.status).toBe(400);
      expect(await fx.db.prisma.prophecy.count()).toBe(before);
    });
  });

  describe(`malformed signed Slack payloads [${provider}]`, () => {
    let fresh: Awaited<ReturnType<typeof freshDatabase>>;
    let bot: SlackBot;
    let messageRef: { channel: string; ts: string };
    beforeAll(async () => {
      fresh = await freshDatabase(provider);
      await trainTinyModel(fresh.db);
      bot = await startSlackBot(fresh.db);
      await sendCommand(bot, "/prophecy", "", { channel: "CMAL" });
      await bot.fake.waitFor("chat.postMessage", (c) => c.args.channel === "CMAL");
      const ref = await vi.waitUntil(
        async () => (await fresh.db.prisma.prophecy.findFirst({ where: { channel: "CMAL" } }))?.messageRef,
        { timeout: 10_000 },
      );
      const [channel, ts] = ref.split("/");
      messageRef = { channel: channel, ts: ts };
    }, 180_000);
    afterAll(async () => {
      await bot?.stop();
      await fresh?.drop();
    });

    it.each(["null", "1", '"x"', "[]", "{"])("interactivity with payload=%s: 400", async (payload) => {
      const res = await sendSigned(
        bot,
        new URLSearchParams({ payload }).toString(),
        "application/x-www-form-urlencoded",
      );
      expect(res.status).toBe(400);
    });

    it("a slash command without its fields: 400", async () => {
      const res = await sendSigned(
        bot,
        new URLSearchParams({ command: "/prophecy" }).toString(),
        "application/x-www-form-urlencoded",
      );
      expect(res.status).toBe(400);
    });

    const reaction = (fields: Record<string, unknown>) => ({
      type: "reaction_added",
      user: "U0MAL",
      reaction: "fire",
      item: { type: "message", channel: messageRef.channel, ts: messageRef.ts },
      item_user: "UBOT",
      event_ts: `${Math.floor(Date.now() / 1000)}.000100`,
      ...fields,
    });
    it.each<[string, Record<string, unknown>]>([
      ["without item", { item: undefined }],
      ["without user", { user: undefined }],
      ["with event_ts 1e20", { event_ts: "1e20" }],
      ["with an item that is a string", { item: "x" }],
      ["with a 100,000-character emoji", { reaction: "x".repeat(100_000) }],
    ])("a reaction event %s: acknowledged (200), dropped, nothing stored", async (_name, fields) => {
      const before = await fresh.db.prisma.reaction.count();
      const res = await sendEvent(bot, reaction(fields));
      expect(res.status).toBe(200);
      expect(await fresh.db.prisma.reaction.count()).toBe(before);
    });

    it("an event envelope without its event: acknowledged (200), dropped", async () => {
      const body = JSON.stringify({ type: "event_callback", team_id: "T0TEST", event_id: "EvBROKEN", event_time: 1 });
      expect((await sendSigned(bot, body, "application/json")).status).toBe(200);
    });

    it("after all that, a well-formed reaction still counts", async () => {
      const res = await sendEvent(bot, reaction({}));
      expect(res.status).toBe(200);
      await expect.poll(() => fresh.db.prisma.reaction.count({ where: { userId: "U0MAL", present: true } })).toBe(1);
    });
  });
}
