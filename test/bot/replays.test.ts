// Issue 18, item 3: Slack requests dated outside ±5 minutes are refused both ways, and a signed
// request seen before runs once — across bot processes sharing the database (two Slack bots on one
// database here) — and a retried Slack event (same event_id) runs once.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { freshDatabase, testProviders } from "../helpers/db.ts";
import { startBotFixture, type BotFixture } from "./discord/bot-fixture.ts";
import { FakeDiscord, snowflake } from "./discord/fake-discord.ts";
import { appKeys, signed } from "./discord/signing.ts";
import { trainTinyModel } from "./web/fixture.ts";
import { commandBody, eventBody, sendCommand, sendSigned, startSlackBot, type SlackBot } from "./slack/harness.ts";

const FORM = "application/x-www-form-urlencoded";

/** Stops the clock (Date only; timers run) on a whole second and returns it in seconds, so a request
 * dated `offset` seconds ahead is exactly that far from the server's check, however long it takes to arrive. */
function stopClock(): number {
  const second = Math.ceil(Date.now() / 1000);
  vi.useFakeTimers({ toFake: ["Date"], now: second * 1000 });
  return second;
}

for (const provider of testProviders) {
  describe(`replays and dates on Slack [${provider}]`, () => {
    let fresh: Awaited<ReturnType<typeof freshDatabase>>;
    let a: SlackBot;
    let b: SlackBot;
    const prophecies = () => fresh.db.prisma.prophecy.count();

    beforeAll(async () => {
      fresh = await freshDatabase(provider);
      await trainTinyModel(fresh.db);
      // Two bots on one database: what two processes behind a load balancer share.
      a = await startSlackBot(fresh.db);
      b = await startSlackBot(fresh.db);
    }, 180_000);
    afterAll(async () => {
      await a?.stop();
      await b?.stop();
      await fresh?.drop();
    });

    afterEach(() => vi.useRealTimers());

    it.each([301, 3600, 365 * 86400, -301])(
      "a request dated %i s from now is refused (401) and writes nothing",
      async (offset) => {
        const before = await prophecies();
        const res = await sendCommand(
          a,
          "/prophecy",
          "t=1",
          { channel: "CDATED" },
          { timestamp: stopClock() + offset },
        );
        expect(res.status).toBe(401);
        expect(a.fake.callsOf("chat.postMessage").filter((c) => c.args.channel === "CDATED")).toHaveLength(0);
        expect(await prophecies()).toBe(before);
      },
    );

    it("a request dated exactly 300 s from now is still inside Slack's window and is answered", async () => {
      const res = await sendCommand(a, "/prophecy", "t=1", { channel: "CEDGE" }, { timestamp: stopClock() + 300 });
      vi.useRealTimers();
      expect(res.status).toBe(200);
      await a.fake.waitFor("chat.postMessage", (c) => c.args.channel === "CEDGE");
    });

    it("the same signed /prophecy sent three times (twice to another bot) runs once", async () => {
      const body = commandBody(a.fake, "/prophecy", "t=1.2", { channel: "CREPLAY" });
      const timestamp = Math.floor(Date.now() / 1000);
      const first = await sendSigned(a, body, FORM, { timestamp });
      const second = await sendSigned(a, body, FORM, { timestamp });
      const third = await sendSigned(b, body, FORM, { timestamp });
      expect([first.status, second.status, third.status]).toEqual([200, 409, 409]);
      await a.fake.waitFor("chat.postMessage", (c) => c.args.channel === "CREPLAY");
      const posts = [...a.fake.callsOf("chat.postMessage"), ...b.fake.callsOf("chat.postMessage")];
      expect(posts.filter((c) => c.args.channel === "CREPLAY")).toHaveLength(1);
      expect(await fresh.db.prisma.prophecy.count({ where: { channel: "CREPLAY" } })).toBe(1);
    });

    it("a retried event (same event_id, new signature) runs once, on either bot", async () => {
      const body = eventBody({ type: "app_home_opened", user: "U0HOME", channel: "D0HOME", tab: "home" });
      const now = Math.floor(Date.now() / 1000);
      const first = await sendSigned(a, body, "application/json", { timestamp: now });
      const retry = await sendSigned(b, body, "application/json", { timestamp: now + 1, retryNum: 1 });
      expect([first.status, retry.status]).toEqual([200, 200]);
      await a.fake.waitFor("views.publish", (c) => c.args.user_id === "U0HOME");
      const published = [...a.fake.callsOf("views.publish"), ...b.fake.callsOf("views.publish")];
      expect(published.filter((c) => c.args.user_id === "U0HOME")).toHaveLength(1);
    });
  });

  describe(`replays on Discord [${provider}]`, () => {
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
    afterEach(() => vi.useRealTimers());
    afterAll(async () => {
      await fx?.close();
      await fake.close();
    });

    it("the same signed interaction sent three times runs once", async () => {
      const interaction = fake.commandInteraction("prophecy", [{ name: "temperature", type: 10, value: 1.1 }], {
        userId: snowflake(),
      });
      const request = signed(keys, interaction);
      const post = () =>
        fetch(`${fx.bot.url}/discord/interactions`, { method: "POST", body: request.body, headers: request.headers });
      const statuses = [(await post()).status, (await post()).status, (await post()).status];
      expect(statuses).toEqual([200, 409, 409]);
      expect(await fx.db.prisma.prophecy.count({ where: { surface: "discord", temperature: 1.1 } })).toBe(1);
    });

    it("an interaction dated more than 5 minutes ahead is refused", async () => {
      const interaction = fake.commandInteraction("prophecy", [], { userId: snowflake() });
      const request = signed(keys, interaction, stopClock() + 301);
      const res = await fetch(`${fx.bot.url}/discord/interactions`, {
        method: "POST",
        body: request.body,
        headers: request.headers,
      });
      expect(res.status).toBe(401);
    });
  });
}
