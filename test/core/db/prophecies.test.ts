import { beforeEach, expect, it } from "vitest";
import { createModelVersion } from "../../../core/db/model-versions.ts";
import { listProphecies, MAX_PAGE_SIZE, recordProphecy, type NewProphecy } from "../../../core/db/prophecies.ts";
import { clearDatabase, describeEachDatabase, sampleModelVersion } from "../../helpers/db.ts";

const prophecy = (modelVersion: number, n: number): NewProphecy => ({
  text: `Line ${n} one\nline two\nline three\nline four.`,
  lines: [`Line ${n} one`, "line two", "line three", "line four."],
  temperature: 1.2,
  modelVersion,
  longestCopied: n % 7,
  surface: "cli",
});

describeEachDatabase("prophecy history", (getDb) => {
  let v1 = 0;
  let v2 = 0;
  beforeEach(async () => {
    await clearDatabase(getDb());
    v1 = await createModelVersion(getDb(), sampleModelVersion());
    v2 = await createModelVersion(getDb(), sampleModelVersion());
  });

  it("records a prophecy with defaults and returns it as stored", async () => {
    const saved = await recordProphecy(getDb(), {
      ...prophecy(v1, 1),
      about: "the king",
      seed: 42,
      requestedBy: "alice",
      messageRef: "c1/m2",
      redraws: 3,
    });
    expect(saved).toMatchObject({
      modelVersion: v1,
      lines: prophecy(v1, 1).lines,
      temperature: 1.2,
      about: "the king",
      seed: 42,
      redraws: 3,
      surface: "cli",
      requestedBy: "alice",
      messageRef: "c1/m2",
      longestCopied: 1,
    });
    expect(saved.createdAt).toBeInstanceOf(Date);
    const plain = await recordProphecy(getDb(), prophecy(v1, 2));
    expect(plain).toMatchObject({ about: null, seed: null, redraws: 0, requestedBy: null, messageRef: null });
    expect(plain.id).toBeGreaterThan(saved.id);
  });

  it("pages through the history newest first without gaps or repeats, also while new ones arrive", async () => {
    const ids: number[] = [];
    for (let n = 0; n < 25; n++) ids.push((await recordProphecy(getDb(), prophecy(n % 2 ? v2 : v1, n))).id);
    const seen: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await listProphecies(getDb(), { limit: 10, cursor });
      seen.push(...page.prophecies.map((p) => p.id));
      cursor = page.nextCursor;
      pages++;
      if (pages === 1) await recordProphecy(getDb(), prophecy(v1, 99)); // newer: must not shift later pages
    } while (cursor !== null);
    expect(pages).toBe(3);
    expect(seen).toEqual([...ids].reverse());
  });

  it("filters by model version and caps the page size", async () => {
    for (let n = 0; n < 6; n++) await recordProphecy(getDb(), prophecy(n < 4 ? v1 : v2, n));
    const onlyV2 = await listProphecies(getDb(), { modelVersion: v2 });
    expect(onlyV2.prophecies.map((p) => p.modelVersion)).toEqual([v2, v2]);
    expect(onlyV2.nextCursor).toBeNull();
    const firstV1 = await listProphecies(getDb(), { modelVersion: v1, limit: 3 });
    expect(firstV1.prophecies).toHaveLength(3);
    const restV1 = await listProphecies(getDb(), { modelVersion: v1, limit: 3, cursor: firstV1.nextCursor });
    expect(restV1.prophecies).toHaveLength(1);
    expect(restV1.nextCursor).toBeNull();
    expect((await listProphecies(getDb(), { limit: 10_000 })).prophecies.length).toBeLessThanOrEqual(MAX_PAGE_SIZE);
  });

  it("gives an empty page on an empty history", async () => {
    expect(await listProphecies(getDb())).toEqual({ prophecies: [], nextCursor: null });
  });
});
