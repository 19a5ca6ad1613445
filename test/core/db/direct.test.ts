// The per-request writes on the driver (core/db/direct.ts): what they write reads back through
// Prisma exactly as returned; a transaction whose second row is missing leaves nothing; on SQLite a
// write meeting another connection's open transaction waits on the writer thread (the event loop runs on) and lands.
import { beforeEach, expect, it } from "vitest";
import { getChatCommand, receiveChatCommand } from "../../../core/db/chat-commands.ts";
import { createModelVersion } from "../../../core/db/model-versions.ts";
import { attachMessage, getProphecy, recordProphecy, type NewProphecy } from "../../../core/db/prophecies.ts";
import { claimRequestKey } from "../../../core/db/seen-requests.ts";
import { clearDatabase, describeEachDatabase, sampleModelVersion } from "../../helpers/db.ts";

const prophecy = (modelVersion: number): NewProphecy => ({
  text: "One «two»\nthree 'four'\nfive\nsix.",
  lines: ["One «two»", "three 'four'", "five", "six."],
  temperature: 0.7,
  about: "the king",
  seed: 2_147_483_647,
  modelVersion,
  longestCopied: 3,
  surface: "slack",
  requestedBy: "U1",
  channel: "C1",
});

describeEachDatabase("writes on the driver", (getDb, provider) => {
  let version = 0;
  beforeEach(async () => {
    await clearDatabase(getDb());
    await getDb().prisma.chatCommand.deleteMany();
    await getDb().prisma.seenRequest.deleteMany();
    version = await createModelVersion(getDb(), sampleModelVersion());
  });

  it("a recorded prophecy, its command and its message read back through Prisma as returned", async () => {
    const db = getDb();
    const asked = {
      surface: "slack",
      kind: "prophecy",
      userId: "U1",
      channel: "C1",
      request: { temperature: "0.7", about: "the king", nested: { ok: true } },
      owner: "bot:test",
    } as const;
    const command = await receiveChatCommand(db, asked);
    expect(await getChatCommand(db, command.id)).toEqual(command);

    const saved = await recordProphecy(db, prophecy(version), { commandId: command.id });
    expect(await getProphecy(db, saved.id)).toEqual(saved);
    expect((await getChatCommand(db, command.id))?.prophecyId).toBe(saved.id);

    expect(await attachMessage(db, saved.id, "C2:1700000000.000100", "C2", { commandId: command.id })).toBe(true);
    expect(await getProphecy(db, saved.id)).toEqual({ ...saved, messageRef: "C2:1700000000.000100", channel: "C2" });
    const finished = await getChatCommand(db, command.id);
    expect(finished?.outcome).toBe("posted");
    expect(finished?.doneAt?.getTime()).toBeGreaterThanOrEqual(saved.createdAt.getTime());
    // A second attach finishes nothing again; an unknown prophecy is false and finishes nothing.
    expect(await attachMessage(db, saved.id, "C2:2", undefined, { commandId: command.id })).toBe(true);
    expect((await getChatCommand(db, command.id))?.doneAt).toEqual(finished?.doneAt);
    const other = await receiveChatCommand(db, asked);
    expect(await attachMessage(db, saved.id + 1000, "C2:3", "C2", { commandId: other.id })).toBe(false);
    expect((await getChatCommand(db, other.id))?.doneAt).toBeNull();
  });

  it("a prophecy for a chat command that is not there is refused and nothing is written", async () => {
    const db = getDb();
    await expect(recordProphecy(db, prophecy(version), { commandId: 987_654 })).rejects.toThrow(/expected 1 row/);
    expect(await db.prisma.prophecy.count()).toBe(0);
  });

  it("a request key is taken once, and again only after its time has passed", async () => {
    const db = getDb();
    const soon = new Date(Date.now() + 60_000);
    expect(await claimRequestKey(db, "k1", soon)).toBe(true);
    expect(await claimRequestKey(db, "k1", soon)).toBe(false);
    expect((await db.prisma.seenRequest.findUnique({ where: { key: "k1" } }))?.expiresAt).toEqual(soon);
    const past = new Date(Date.now() - 1_000);
    expect(await claimRequestKey(db, "k2", past)).toBe(true);
    expect(await claimRequestKey(db, "k2", soon)).toBe(true);
    expect((await db.prisma.seenRequest.findUnique({ where: { key: "k2" } }))?.expiresAt).toEqual(soon);
  });

  if (provider === "sqlite") {
    it("a write meeting an open transaction waits on the writer thread, the event loop running, and lands after it", async () => {
      const db = getDb();
      let ticks = 0;
      const ticker = setInterval(() => ticks++, 5);
      let committed = 0;
      const holder = db.prisma.$transaction(async (tx) => {
        await tx.seenRequest.create({ data: { key: "holder", expiresAt: new Date(Date.now() + 60_000) } });
        await new Promise((resolve) => setTimeout(resolve, 300));
        committed = Date.now();
      });
      await new Promise((resolve) => setTimeout(resolve, 50)); // the holder has the write lock now
      const saved = await recordProphecy(db, prophecy(version));
      const landed = Date.now();
      clearInterval(ticker);
      await holder;
      expect(committed).toBeGreaterThan(0);
      expect(landed).toBeGreaterThanOrEqual(committed);
      expect(ticks).toBeGreaterThan(20); // 250 ms of waiting with the loop free
      expect(await getProphecy(db, saved.id)).toEqual(saved);
    });
  }
});
