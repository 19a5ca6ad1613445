// Issue 20: a newly promoted version takes over only once the sampling threads have loaded it, so a
// swap never moves every draw onto the event loop (the stress run's retrain: p99 5 s); it is loaded
// into the running threads, not new ones.
import { existsSync, readdirSync } from "node:fs";
import { afterAll, beforeAll, expect, it } from "vitest";
import { promote } from "../../../core/db/model-versions.ts";
import { silentLogger } from "../../../core/logger.ts";
import { databaseModelSource } from "../../../core/prophecy/database-model-source.ts";
import type { LoadedModel } from "../../../core/prophecy/loaded-model.ts";
import { trainTinyModel } from "../../bot/web/fixture.ts";
import { freshDatabase } from "../../helpers/db.ts";
import { waitFor } from "../../helpers/wait.ts";

let fresh: Awaited<ReturnType<typeof freshDatabase>>;
let first = 0;
let second = 0;

beforeAll(async () => {
  fresh = await freshDatabase("sqlite");
  first = await trainTinyModel(fresh.db);
  second = await trainTinyModel(fresh.db);
  await promote(fresh.db, first, "test", "serve the first");
}, 180_000);
afterAll(async () => {
  await fresh?.drop();
});

/** This process's threads (Linux), 0 elsewhere. */
const threadCount = () => (existsSync("/proc/self/task") ? readdirSync("/proc/self/task").length : 0);

/** "ready" when the promise has settled already, "starting" when it has not. */
const settledYet = (p: Promise<unknown>) =>
  Promise.race([p.then(() => "ready" as const), Promise.resolve().then(() => "starting" as const)]);

it("keeps serving the old version until the new one's sampling threads are ready, then swaps", async () => {
  const source = databaseModelSource(fresh.db, { samplingThreads: 2, log: silentLogger });
  try {
    await source.refresh();
    const old = source.serving() as LoadedModel & { threadsReady?: Promise<boolean[]> };
    expect(old.version).toBe(first);

    await expect(old.threadsReady).resolves.toEqual([true, true]);
    const threadsBefore = threadCount();
    await promote(fresh.db, second, "test", "a retrain");
    const swapping = source.refresh();
    expect(source.serving()).toBe(old);
    await swapping;
    const now = source.serving() as LoadedModel & { threadsReady?: Promise<boolean[]> };
    expect(now.version).toBe(second);
    expect(await settledYet(now.threadsReady!)).toBe("ready");
    expect(await now.threadsReady).toEqual([true, true]);
    // Loaded into the same sampling threads: none started for the new version.
    if (threadsBefore > 0) expect(threadCount()).toBeLessThan(threadsBefore + 2);
  } finally {
    await source.close();
  }
}, 120_000);

it("serves the first version at once, and says it is warming until its sampling threads are up", async () => {
  const source = databaseModelSource(fresh.db, { samplingThreads: 2, log: silentLogger });
  try {
    await source.refresh();
    const served = source.serving() as LoadedModel & { threadsReady?: Promise<boolean[]> };
    expect(served).not.toBeNull();
    expect(source.warming()).toBe(true);
    expect(await served.threadsReady).toEqual([true, true]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(source.warming()).toBe(false);
  } finally {
    await source.close();
  }
}, 120_000);

it.runIf(existsSync("/proc/self/task"))(
  "sampling threads that die are replaced",
  async () => {
    const source = databaseModelSource(fresh.db, { samplingThreads: 2, log: silentLogger });
    try {
      await source.refresh();
      const served = source.serving() as LoadedModel & {
        threadsReady?: Promise<boolean[]>;
        stopThreads?: () => Promise<number[]>;
      };
      expect(await served.threadsReady).toEqual([true, true]);
      const before = new Set(readdirSync("/proc/self/task"));
      await served.stopThreads!();
      await waitFor(
        "two new threads",
        () => readdirSync("/proc/self/task").filter((tid) => !before.has(tid)).length >= 2,
        { timeout: 20_000 },
      );
    } finally {
      await source.close();
    }
  },
  60_000,
);
