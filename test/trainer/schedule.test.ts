import { afterEach, expect, it, vi } from "vitest";
import { listJobs } from "../../core/db/jobs.ts";
import { UserError } from "../../core/errors.ts";
import { silentLogger } from "../../core/logger.ts";
import { checkSchedule, startSchedule } from "../../trainer/schedule.ts";
import { describeEachDatabase } from "../helpers/db.ts";

// Only the clock is faked: the database drivers keep their real I/O and immediates.
const fakeClock = (now: string) =>
  vi.useFakeTimers({
    now: new Date(now),
    toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval", "Date"],
  });

describeEachDatabase("retrain schedule", (getDb) => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("enqueues a nightly job at the configured time, not before", async () => {
    fakeClock("2026-11-01T02:59:50Z");
    const schedule = startSchedule(getDb(), silentLogger, { expression: "0 3 * * *", timezone: "UTC" });
    try {
      expect(schedule.nextRun()?.toISOString()).toBe("2026-11-01T03:00:00.000Z");
      await vi.advanceTimersByTimeAsync(8_000);
      await schedule.settled();
      expect(await listJobs(getDb())).toHaveLength(0);

      await vi.advanceTimersByTimeAsync(3_000);
      await vi.waitUntil(async () => (await listJobs(getDb())).length > 0, { timeout: 5_000, interval: 20 });
      await schedule.settled();
      const jobs = await listJobs(getDb());
      expect(jobs).toHaveLength(1);
      expect(jobs[0]).toMatchObject({ state: "queued", requestedBy: "schedule", reason: "nightly" });
      expect(schedule.nextRun()?.toISOString()).toBe("2026-11-02T03:00:00.000Z");
    } finally {
      await schedule.stop();
    }
  });

  it("reads the expression in the configured time zone", async () => {
    // 03:00 in Berlin on 1 November 2026 (CET, UTC+1) is 02:00 UTC.
    fakeClock("2026-11-01T01:59:55Z");
    const before = (await listJobs(getDb())).length;
    const schedule = startSchedule(getDb(), silentLogger, {
      expression: "0 3 * * *",
      timezone: "Europe/Berlin",
      reason: "berlin",
    });
    try {
      expect(schedule.nextRun()?.toISOString()).toBe("2026-11-01T02:00:00.000Z");
      await vi.advanceTimersByTimeAsync(6_000);
      await vi.waitUntil(async () => (await listJobs(getDb())).length > before, { timeout: 5_000, interval: 20 });
      await schedule.settled();
      expect((await listJobs(getDb()))[0]).toMatchObject({ reason: "berlin" });
    } finally {
      await schedule.stop();
    }
  });

  it("enqueues a slot once when two trainers both run the schedule", async () => {
    fakeClock("2026-11-05T02:59:58Z");
    const before = (await listJobs(getDb())).length;
    const a = startSchedule(getDb(), silentLogger, { expression: "0 3 * * *", timezone: "UTC" });
    const b = startSchedule(getDb(), silentLogger, { expression: "0 3 * * *", timezone: "UTC" });
    try {
      await vi.advanceTimersByTimeAsync(3_000);
      await vi.waitUntil(async () => (await listJobs(getDb())).length > before, { timeout: 5_000, interval: 20 });
      await a.settled();
      await b.settled();
      expect(await listJobs(getDb())).toHaveLength(before + 1);
    } finally {
      await a.stop();
      await b.stop();
    }
  });
});

it("refuses a bad cron expression or time zone with a user error naming the setting", () => {
  expect(() => checkSchedule("0 25 * * *", "UTC")).toThrow(UserError);
  expect(() => checkSchedule("every night", "UTC")).toThrow(/TRAINER_SCHEDULE/);
  expect(() => checkSchedule("0 3 * * *", "Mars/Olympus")).toThrow(/TRAINER_TIMEZONE/);
  expect(() => checkSchedule("0 3 * * *", "Europe/Paris")).not.toThrow();
});
