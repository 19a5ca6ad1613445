import { expect, it } from "vitest";
import {
  claimNextJob,
  enqueueJob,
  enqueueScheduledJob,
  finishJob,
  getJob,
  jobEpochs,
  jobJson,
  listJobs,
  recordEpoch,
  requestCancel,
  requeueJob,
  runningJobs,
} from "../../../core/db/jobs.ts";
import { UserError } from "../../../core/errors.ts";
import { describeEachDatabase } from "../../helpers/db.ts";
import { race } from "./race.ts";

/** A time as jobs hold it (ISO 8601); null or undefined do not match. */
const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

const epoch = (n: number) => ({
  epoch: n,
  loss: 5 - n,
  acc: 0.1 * n,
  valLoss: 5.5 - n,
  valAcc: 0.09 * n,
  seconds: 1.5,
});

describeEachDatabase("jobs", (getDb) => {
  it("enqueues, claims oldest first, stores epochs as they come and finishes", async () => {
    const db = getDb();
    const first = await enqueueJob(db, { requestedBy: "alice", reason: "new corpus", epochs: 3 });
    const second = await enqueueJob(db, { requestedBy: "bob", reason: "again" });
    expect(first).toMatchObject({
      state: "queued",
      requestedBy: "alice",
      reason: "new corpus",
      epochs: 3,
      epochsDone: 0,
      version: null,
    });
    expect(Object.keys(jobJson(first))).toEqual([
      "id",
      "state",
      "requestedBy",
      "reason",
      "queuedAt",
      "startedAt",
      "finishedAt",
      "backend",
      "epochsDone",
      "version",
      "error",
      "allowCorpusChange",
    ]);
    expect(new Date(first.queuedAt).toISOString()).toBe(first.queuedAt);

    const claimed = await claimNextJob(db, "runner-1", { backend: "wasm" });
    expect(claimed).toMatchObject({ id: first.id, state: "running", runner: "runner-1", backend: "wasm", attempts: 1 });
    expect(claimed!.startedAt).toMatch(ISO_TIME);

    await recordEpoch(db, first.id, epoch(1));
    await recordEpoch(db, first.id, epoch(2));
    expect((await getJob(db, first.id))?.epochsDone).toBe(2);
    expect(await jobEpochs(db, first.id)).toEqual([epoch(1), epoch(2)]);

    expect(await finishJob(db, first.id, { state: "succeeded", runner: "someone-else" })).toBe(false);
    expect(await finishJob(db, first.id, { state: "succeeded", version: null, runner: "runner-1" })).toBe(true);
    expect(await finishJob(db, first.id, { state: "failed", runner: "runner-1" })).toBe(false);
    expect(await getJob(db, first.id)).toMatchObject({ state: "succeeded" });
    expect((await getJob(db, first.id))!.finishedAt).toMatch(ISO_TIME);

    expect((await claimNextJob(db, "runner-1"))?.id).toBe(second.id);
    await finishJob(db, second.id, { state: "failed", error: "boom" });
    expect(await claimNextJob(db, "runner-1")).toBeNull();
    expect((await listJobs(db, { limit: 2 })).map((j) => j.id)).toEqual([second.id, first.id]);
    expect((await listJobs(db, { state: "failed" })).map((j) => j.error)).toContain("boom");
  });

  it("gives each queued job to exactly one of several racing runner processes", async () => {
    const db = getDb();
    const ids = [];
    for (let i = 0; i < 12; i++) ids.push((await enqueueJob(db, { requestedBy: "t", reason: `race ${i}` })).id);
    const claims = await race<number[]>(db.url, "claim", 3);
    expect(claims.flat().sort((a, b) => a - b)).toEqual(ids);
    for (const [i, mine] of claims.entries()) {
      for (const id of mine)
        expect(await getJob(db, id)).toMatchObject({ state: "running", runner: `p${i}`, attempts: 1 });
    }
    for (const id of ids) await finishJob(db, id, { state: "succeeded" });
  });

  it("cancels a queued job at once, flags a running one, refuses finished and unknown jobs", async () => {
    const db = getDb();
    const queued = await enqueueJob(db, { requestedBy: "t", reason: "to cancel" });
    expect(await requestCancel(db, queued.id)).toMatchObject({ state: "cancelled" });
    expect(await claimNextJob(db, "r")).toBeNull();

    const running = await enqueueJob(db, { requestedBy: "t", reason: "running" });
    await claimNextJob(db, "r");
    expect(await requestCancel(db, running.id)).toMatchObject({ state: "running", cancelRequested: true });

    await expect(requestCancel(db, queued.id)).rejects.toThrow(UserError);
    await expect(requestCancel(db, queued.id)).rejects.toThrow(/already finished \(cancelled\)/);
    await expect(requestCancel(db, 999_999)).rejects.toThrow(/no job 999999/);
    // A flagged job that is put back in the queue (shutdown) ends cancelled instead.
    expect(await requeueJob(db, running.id, { runner: "r" })).toBe("cancelled");
  });

  it("requeues a running job with its epochs cleared, only for its runner", async () => {
    const db = getDb();
    const job = await enqueueJob(db, { requestedBy: "t", reason: "requeue" });
    await claimNextJob(db, "r1");
    await recordEpoch(db, job.id, epoch(1));
    expect(await runningJobs(db)).toHaveLength(1);
    expect(await requeueJob(db, job.id, { runner: "r2" })).toBeNull();
    expect(await requeueJob(db, job.id, { runner: "r1", note: "trainer shut down" })).toBe("queued");
    expect(await getJob(db, job.id)).toMatchObject({
      state: "queued",
      runner: null,
      startedAt: null,
      epochsDone: 0,
      error: "trainer shut down",
    });
    expect(await jobEpochs(db, job.id)).toEqual([]);
    const again = await claimNextJob(db, "r2");
    expect(again).toMatchObject({ id: job.id, attempts: 2, error: null });
    await finishJob(db, job.id, { state: "succeeded" });
  });

  it("records on the job whether it may replace the current model across a corpus change", async () => {
    const db = getDb();
    const allowed = await enqueueJob(db, { requestedBy: "ada", reason: "new corpus", allowCorpusChange: true });
    const plain = await enqueueJob(db, { requestedBy: "ada", reason: "nightly" });
    expect((await getJob(db, allowed.id))?.allowCorpusChange).toBe(true);
    expect((await getJob(db, plain.id))?.allowCorpusChange).toBe(false);
    expect(jobJson(allowed).allowCorpusChange).toBe(true);
    await requestCancel(db, allowed.id);
    await requestCancel(db, plain.id);
  });

  it("rejects a bad epoch count as a user error", async () => {
    await expect(enqueueJob(getDb(), { requestedBy: "t", reason: "x", epochs: 0 })).rejects.toThrow(UserError);
  });

  it("enqueues one job per schedule slot however many trainer processes fire it", async () => {
    const db = getDb();
    const results = await race<number | null>(db.url, "schedule", 3);
    expect(results.filter((id) => id !== null)).toHaveLength(1);
    const next = await enqueueScheduledJob(db, new Date("2026-11-03T03:00:00Z"), {
      requestedBy: "schedule",
      reason: "nightly",
    });
    expect(next).toMatchObject({ requestedBy: "schedule", reason: "nightly", state: "queued" });
    expect(await listJobs(db, { state: "queued" })).toHaveLength(2);
  });
});
