// Issue 18, item 8: reaction events keep their full precision and order. Slack's event_ts has
// microseconds: an add and a remove within one millisecond must end removed, whichever arrives first.
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { describeEachDatabase } from "../../helpers/db.ts";
import { trainTinyModel } from "../web/fixture.ts";
import { sendCommand, sendEvent, startSlackBot, type SlackBot } from "./harness.ts";

describeEachDatabase("Slack reaction order within a millisecond", (getDb) => {
  let bot: SlackBot;
  let channel: string;
  let ts: string;
  let prophecyId: number;

  beforeAll(async () => {
    await trainTinyModel(getDb());
    bot = await startSlackBot(getDb());
    await sendCommand(bot, "/prophecy", "", { channel: "CORDER" });
    await bot.fake.waitFor("chat.postMessage", (c) => c.args.channel === "CORDER");
    await vi.waitUntil(
      async () => (await getDb().prisma.prophecy.findFirst({ where: { channel: "CORDER" } }))?.messageRef,
      { timeout: 10_000 },
    );
    const row = (await getDb().prisma.prophecy.findFirst({ where: { channel: "CORDER" } }))!;
    prophecyId = row.id;
    [channel, ts] = row.messageRef!.split("/") as [string, string];
  }, 180_000);
  afterAll(async () => {
    await bot?.stop();
  });

  const event = (type: "reaction_added" | "reaction_removed", user: string, eventTs: string) => ({
    type,
    user,
    reaction: "fire",
    item: { type: "message", channel, ts },
    item_user: "UBOT",
    event_ts: eventTs,
  });
  const present = (user: string) =>
    getDb().prisma.reaction.count({ where: { prophecyId, userId: user, present: true } });

  it("added at .123456 and removed at .123457: removed", async () => {
    expect((await sendEvent(bot, event("reaction_added", "U0A", "1700000000.123456"))).status).toBe(200);
    expect((await sendEvent(bot, event("reaction_removed", "U0A", "1700000000.123457"))).status).toBe(200);
    await expect.poll(() => getDb().prisma.reaction.count({ where: { prophecyId, userId: "U0A" } })).toBe(1);
    expect(await present("U0A")).toBe(0);
  });

  it("the same two delivered the other way round: still removed", async () => {
    expect((await sendEvent(bot, event("reaction_removed", "U0B", "1700000000.123457"))).status).toBe(200);
    expect((await sendEvent(bot, event("reaction_added", "U0B", "1700000000.123456"))).status).toBe(200);
    await expect.poll(() => getDb().prisma.reaction.count({ where: { prophecyId, userId: "U0B" } })).toBe(1);
    expect(await present("U0B")).toBe(0);
  });

  it("removed at .123456 and added again at .123457: present, and counted on the prophecy", async () => {
    await sendEvent(bot, event("reaction_added", "U0C", "1700000000.123455"));
    await sendEvent(bot, event("reaction_removed", "U0C", "1700000000.123456"));
    await sendEvent(bot, event("reaction_added", "U0C", "1700000000.123457"));
    await expect.poll(() => present("U0C")).toBe(1);
    const row = await getDb().prisma.prophecy.findUnique({ where: { id: prophecyId } });
    expect(row!.reactionCount).toBe(await getDb().prisma.reaction.count({ where: { prophecyId, present: true } }));
  });
});
