// Issue 20: the prophecies asked in one turn of the event loop are recorded in one transaction,
// each answered with its own row, in the order asked, each tied to its chat command; a row that
// cannot be written fails only its own request.
import { beforeEach, expect, it } from "vitest";
import { receiveChatCommand } from "../../../core/db/chat-commands.ts";
import { createModelVersion } from "../../../core/db/model-versions.ts";
import { groupedProphecyWrites, type NewProphecy } from "../../../core/db/prophecies.ts";
import { clearDatabase, describeEachDatabase, sampleModelVersion } from "../../helpers/db.ts";

const prophecy = (modelVersion: number, n: number): NewProphecy => ({
  text: `Line ${n} one\nline two\nline three\nline four.`,
  lines: [`Line ${n} one`, "line two", "line three", "line four."],
  temperature: 1.2,
  modelVersion,
  longestCopied: n % 7,
  surface: "slack",
});

describeEachDatabase("grouped prophecy writes", (getDb) => {
  let version = 0;
  beforeEach(async () => {
    await clearDatabase(getDb());
    version = await createModelVersion(getDb(), sampleModelVersion());
  });

  const command = (n: number) =>
    receiveChatCommand(getDb(), {
      surface: "slack",
      kind: "prophecy",
      userId: `U${n}`,
      channel: "C1",
      request: { responseUrl: "http://127.0.0.1/r" },
      owner: "test",
    });

  it("records one turn's prophecies in the order asked, each tied to its command", async () => {
    const record = groupedProphecyWrites(getDb());
    const commands = await Promise.all([1, 2, 3].map(command));
    const stored = await Promise.all(
      Array.from({ length: 6 }, (_, n) =>
        record(prophecy(version, n), n % 2 === 0 ? { commandId: commands[n / 2].id } : {}),
      ),
    );
    expect(stored.map((p) => p.text)).toEqual(Array.from({ length: 6 }, (_, n) => prophecy(version, n).text));
    expect(stored.map((p) => p.id)).toEqual([...stored.map((p) => p.id)].sort((a, b) => a - b));
    const rows = await getDb().prisma.prophecy.findMany({ orderBy: { id: "asc" } });
    expect(rows.map((r) => r.id)).toEqual(stored.map((p) => p.id));
    const links = await getDb().prisma.chatCommand.findMany({ orderBy: { id: "asc" } });
    expect(links.map((c) => c.prophecyId)).toEqual([stored[0].id, stored[2].id, stored[4].id]);
  });

  it("fails only the request whose row cannot be written (a command that does not exist)", async () => {
    const record = groupedProphecyWrites(getDb());
    const results = await Promise.allSettled([
      record(prophecy(version, 1)),
      record(prophecy(version, 2), { commandId: 999_999 }),
      record(prophecy(version, 3)),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    const rows = await getDb().prisma.prophecy.findMany({ orderBy: { id: "asc" } });
    expect(rows.map((r) => r.text)).toEqual([prophecy(version, 1).text, prophecy(version, 3).text]);
  });
});
