import { expect, it } from "vitest";
import { getLease, release, renew, tryAcquire } from "../../../core/db/leases.ts";
import { describeEachDatabase } from "../../helpers/db.ts";
import { race } from "./race.ts";

const TTL = 30_000;
const t0 = new Date("2026-11-01T03:00:00Z");
const at = (ms: number) => new Date(t0.getTime() + ms);

describeEachDatabase("leases", (getDb) => {
  it("is taken by one holder, refused to another while live, renewed and released by its holder", async () => {
    const db = getDb();
    const a = await tryAcquire(db, "l1", "a", TTL, { now: t0, jobId: 7 });
    expect(a.acquired).toBe(true);
    expect(a.lease).toMatchObject({ holder: "a", jobId: 7, expiresAt: at(TTL) });
    expect((await tryAcquire(db, "l1", "b", TTL, { now: at(TTL - 1) })).acquired).toBe(false);

    expect(await renew(db, "l1", "a", TTL, { now: at(10_000), jobId: 8 })).toBe(true);
    expect(await getLease(db, "l1")).toMatchObject({
      holder: "a",
      jobId: 8,
      acquiredAt: t0,
      expiresAt: at(10_000 + TTL),
    });
    expect(await renew(db, "l1", "b", TTL)).toBe(false);

    expect(await release(db, "l1", "b")).toBe(false);
    expect(await release(db, "l1", "a")).toBe(true);
    expect(await getLease(db, "l1")).toBeNull();
    expect((await tryAcquire(db, "l1", "b", TTL, { now: at(1) })).acquired).toBe(true);
  });

  it("is taken over once expired, naming the dead holder and its job; the old holder cannot renew", async () => {
    const db = getDb();
    await tryAcquire(db, "l2", "dead", TTL, { now: t0, jobId: 42 });
    const taken = await tryAcquire(db, "l2", "alive", TTL, { now: at(TTL + 1) });
    expect(taken.acquired).toBe(true);
    expect(taken.tookOverFrom).toEqual({ holder: "dead", jobId: 42, expiredAt: at(TTL) });
    expect(taken.lease).toMatchObject({ holder: "alive", jobId: null });
    expect(await renew(db, "l2", "dead", TTL)).toBe(false);
    expect(await release(db, "l2", "dead")).toBe(false);
  });

  it("lets its holder re-acquire (renew) without a takeover", async () => {
    const db = getDb();
    await tryAcquire(db, "l3", "a", TTL, { now: t0 });
    const again = await tryAcquire(db, "l3", "a", TTL, { now: at(TTL + 5) });
    expect(again.acquired).toBe(true);
    expect(again.tookOverFrom).toBeUndefined();
    expect(again.lease?.expiresAt).toEqual(at(2 * TTL + 5));
  });

  it("goes to exactly one of several racing processes, when free and when expired", async () => {
    const results = await race<{ fresh: boolean; takeover: boolean }[]>(getDb().url, "lease", 4);
    for (let round = 0; round < results[0].length; round++) {
      expect(results.filter((r) => r[round].fresh)).toHaveLength(1);
      expect(results.filter((r) => r[round].takeover)).toHaveLength(1);
      expect((await getLease(getDb(), `race-${round}`))?.holder).toMatch(/^late-p\d$/);
    }
  });
});
