// Issue 18, item 4: a Slack command acknowledged and then lost to a crash (kill -9) is finished by
// the restarted bot; a quatrain Slack stored whose answer never reached the bot is found again (by
// its message metadata) and linked, not posted twice. Real `oracle bot` processes, a fake Slack.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Db } from "../../../core/db/client.ts";
import { scratchDatabase, testProviders, type ScratchDatabase } from "../../helpers/db.ts";
import { spawnBot, type BotProcess } from "../spawn-bot.ts";
import { trainTinyModel } from "../web/fixture.ts";
import { startFakeSlack, type FakeSlack } from "./fake-slack.ts";
import { commandBody, sendSigned, SIGNING_SECRET } from "./signing.ts";

for (const provider of testProviders) {
  describe(`acknowledged Slack commands survive kill -9 [${provider}]`, () => {
    let scratch: ScratchDatabase;
    let db: Db;
    let fake: FakeSlack;
    let bots: BotProcess[] = [];
    /** chat.postMessage calls for these channels get no answer (a bot killed mid-call). */
    const hold = new Map<string, "drop" | "store">();

    const start = () => {
      const bot = spawnBot("oracle bot", scratch.url, {
        SLACK_BOT_TOKEN: "xoxb-durable",
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_API_URL: fake.apiUrl,
        BOT_RATE_LIMIT_PER_MINUTE: "0",
        // A dead bot's commands are taken over once its lease has expired.
        BOT_LEASE_SECONDS: "2",
      });
      bots.push(bot);
      return bot;
    };
    const ask = async (url: string, channel: string) => {
      const body = commandBody(fake, "/prophecy", "t=1", { channel });
      return sendSigned({ url }, body, "application/x-www-form-urlencoded");
    };

    beforeAll(async () => {
      scratch = await scratchDatabase(provider);
      db = await openDatabase(scratch.url, { migrate: true });
      await trainTinyModel(db);
      fake = await startFakeSlack({ hold: (call) => hold.get(String(call.args.channel)) });
    }, 180_000);
    afterEach(() => {
      for (const b of bots) if (b.child.exitCode === null && b.child.signalCode === null) b.child.kill("SIGKILL");
      bots = [];
    });
    afterAll(async () => {
      await fake?.close();
      await db?.close();
      await scratch?.drop();
    });

    it("killed after the acknowledgement, before posting: the restarted bot posts the quatrain and links it", async () => {
      hold.set("CLOST", "drop");
      const bot = start();
      const url = await bot.url;
      const acked = await ask(url, "CLOST");
      expect(acked.status).toBe(200);
      // The bot is inside chat.postMessage, which Slack never completes: kill it there.
      await fake.waitFor("chat.postMessage", (c) => c.args.channel === "CLOST", 30_000);
      bot.child.kill("SIGKILL");
      await bot.exited;
      hold.delete("CLOST");
      expect(fake.messages("CLOST")).toHaveLength(0);

      start();
      await expect.poll(() => fake.messages("CLOST").length, { timeout: 30_000 }).toBe(1);
      const [message] = fake.messages("CLOST");
      await expect
        .poll(async () => (await db.prisma.prophecy.findFirst({ where: { channel: "CLOST" } }))?.messageRef, {
          timeout: 10_000,
        })
        .toBe(`CLOST/${message.ts}`);
      expect(await db.prisma.prophecy.count({ where: { channel: "CLOST" } })).toBe(1);
    }, 120_000);

    it("killed after Slack stored the post, before the bot heard back: found by its metadata, linked, not posted twice", async () => {
      hold.set("CHALF", "store");
      const bot = start();
      const url = await bot.url;
      expect((await ask(url, "CHALF")).status).toBe(200);
      await expect.poll(() => fake.messages("CHALF").length, { timeout: 30_000 }).toBe(1);
      bot.child.kill("SIGKILL");
      await bot.exited;
      hold.delete("CHALF");
      const [stored] = fake.messages("CHALF");

      start();
      await expect
        .poll(async () => (await db.prisma.prophecy.findFirst({ where: { channel: "CHALF" } }))?.messageRef, {
          timeout: 30_000,
        })
        .toBe(`CHALF/${stored.ts}`);
      expect(fake.messages("CHALF")).toHaveLength(1);
      expect(await db.prisma.prophecy.count({ where: { channel: "CHALF" } })).toBe(1);
    }, 120_000);
  });
}
