import { afterEach, expect, it } from "vitest";
import type { Db } from "../../core/db/client.ts";
import { claimNextJob, enqueueJob, getJob, jobEpochs, listJobs, requestCancel, type Job } from "../../core/db/jobs.ts";
import { getLease, tryAcquire, TRAINER_LEASE } from "../../core/db/leases.ts";
import { silentLogger } from "../../core/logger.ts";
import { startTrainerService, type TrainerHandle } from "../../trainer/service.ts";
import type { TrainerSettings } from "../../trainer/types.ts";
import { testConfig } from "../helpers/config.ts";
import { countingCalls, describeEachDatabase } from "../helpers/db.ts";
import { waitFor } from "../helpers/wait.ts";
import { fakeTrain, type FakeTrain } from "./fake-train.ts";

const stateOf = async (db: Db, id: number) => (await getJob(db, id))!.state;
const isDone = (j: Job) => !["queued", "running"].includes(j.state);

describeEachDatabase("trainer service", (getDb) => {
  let services: TrainerHandle[] = [];
  afterEach(async () => {
    await Promise.all(services.map((s) => s.stop()));
    services = [];
  });

  const settings = (o: Partial<TrainerSettings> = {}): TrainerSettings => ({
    ...testConfig(getDb().url).trainer,
    pollSeconds: 0.1,
    heartbeatSeconds: 0.2,
    leaseTimeoutSeconds: 2,
    ...o,
  });
  const start = async (train: FakeTrain, o: Partial<TrainerSettings> = {}, runnerId?: string) => {
    const s = await startTrainerService({
      db: getDb(),
      log: silentLogger,
      settings: settings(o),
      train,
      schedule: false,
      runnerId,
      backend: "test",
    });
    services.push(s);
    return s;
  };

  it("starts a job enqueued while idle within 5 s (default 1 s poll) and stores its epochs as they come", async () => {
    const db = getDb();
    const train = fakeTrain({ epochs: 3, batchesPerEpoch: 3, batchMs: 100 });
    // Idle first: the service has found the queue empty, slept a poll and looked again.
    const watched = countingCalls(db, "trainingJob", "count");
    services.push(
      await startTrainerService({
        db: watched.db,
        log: silentLogger,
        settings: settings({ pollSeconds: 1 }),
        train,
        schedule: false,
        backend: "test",
      }),
    );
    const polls = () => watched.calls() / 2; // an empty look counts queued and running jobs
    await waitFor("two looks at the empty queue", () => polls() >= 2);
    const job = await enqueueJob(db, { requestedBy: "alice", reason: "new data" });
    await waitFor("the job to start", async () => (await stateOf(db, job.id)) !== "queued", { timeout: 5_000 });

    // Progress is visible while it runs: an epoch row exists before the job finishes.
    await waitFor("the first epoch", async () => (await jobEpochs(db, job.id)).length >= 1);
    expect(await stateOf(db, job.id)).toBe("running");
    expect((await getLease(db, TRAINER_LEASE))?.jobId).toBe(job.id);

    await waitFor("the job to finish", async () => isDone((await getJob(db, job.id))!));
    expect(await getJob(db, job.id)).toMatchObject({ state: "succeeded", epochsDone: 3, backend: "fake", error: null });
    expect((await jobEpochs(db, job.id)).map((e) => e.epoch)).toEqual([1, 2, 3]);
    await waitFor("the lease to be released", async () => (await getLease(db, TRAINER_LEASE)) === null);
  });

  it("passes the job's --allow-corpus-change to the training run", async () => {
    const db = getDb();
    const seen = new Map<number, boolean | undefined>();
    const inner = fakeTrain({ epochs: 1, batchesPerEpoch: 1, batchMs: 5 });
    const train = Object.assign(
      async (r: Parameters<FakeTrain>[0]) => {
        seen.set(r.jobId, r.allowCorpusChange);
        return inner(r);
      },
      { batches: inner.batches },
    );
    await start(train);
    const allowed = await enqueueJob(db, { requestedBy: "ada", reason: "new corpus", allowCorpusChange: true });
    const plain = await enqueueJob(db, { requestedBy: "ada", reason: "nightly" });
    await waitFor(
      "both jobs",
      async () => isDone((await getJob(db, allowed.id))!) && isDone((await getJob(db, plain.id))!),
    );
    expect(seen.get(allowed.id)).toBe(true);
    expect(seen.get(plain.id)).toBe(false);
  });

  it("runs the job's own epoch count, marks a failed run failed and carries on with the next job", async () => {
    const db = getDb();
    const train = fakeTrain({ batchMs: 10, failWith: (r) => (r.epochs === 99 ? "GloVe file is corrupt" : undefined) });
    const bad = await enqueueJob(db, { requestedBy: "t", reason: "will fail", epochs: 99 });
    const good = await enqueueJob(db, { requestedBy: "t", reason: "after", epochs: 1 });
    await start(train);
    await waitFor("both jobs", async () => isDone((await getJob(db, good.id))!));
    expect(await getJob(db, bad.id)).toMatchObject({ state: "failed", error: "GloVe file is corrupt" });
    expect(await getJob(db, good.id)).toMatchObject({ state: "succeeded", epochsDone: 1 });
  });

  it("cancels a running job after its current batch, and a queued one before it starts", async () => {
    const db = getDb();
    const train = fakeTrain({ epochs: 50, batchesPerEpoch: 10, batchMs: 30 });
    const running = await enqueueJob(db, { requestedBy: "t", reason: "long" });
    const queued = await enqueueJob(db, { requestedBy: "t", reason: "behind it" });
    await start(train);
    await waitFor("the job to run", async () => (await stateOf(db, running.id)) === "running");
    expect(await requestCancel(db, queued.id)).toMatchObject({ state: "cancelled" });
    await requestCancel(db, running.id);
    const batchesAtCancel = train.batches.get(running.id) ?? 0;
    await waitFor("the cancel", async () => (await stateOf(db, running.id)) === "cancelled");
    // The cancel flag is read every poll (0.1 s here): a few 30 ms batches at most, never the whole run.
    expect(train.batches.get(running.id)! - batchesAtCancel).toBeLessThan(20);
    expect(train.batches.get(queued.id)).toBeUndefined();
    expect((await getJob(db, running.id))!.finishedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it("takes over the lease of a dead trainer after it expires and marks its job failed", async () => {
    const db = getDb();
    const orphan = await enqueueJob(db, { requestedBy: "t", reason: "orphan" });
    await claimNextJob(db, "dead-host:1:aaaaaa");
    await tryAcquire(db, TRAINER_LEASE, "dead-host:1:aaaaaa", 1_500, { jobId: orphan.id });
    const next = await enqueueJob(db, { requestedBy: "t", reason: "next", epochs: 1 });
    const train = fakeTrain({ batchMs: 10 });
    const startedAt = Date.now();
    await start(train);
    await waitFor("the orphan to be marked", async () => (await stateOf(db, orphan.id)) !== "running");
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(1_000); // not before the lease expired
    const marked = await getJob(db, orphan.id);
    expect(marked).toMatchObject({ state: "failed" });
    expect(marked?.error).toMatch(/dead-host:1:aaaaaa stopped renewing the trainer lease/);
    await waitFor("the next job", async () => (await stateOf(db, next.id)) === "succeeded");
  });

  it("re-queues and then runs a dead trainer's job when onLeaseExpired = requeue", async () => {
    const db = getDb();
    const orphan = await enqueueJob(db, { requestedBy: "t", reason: "orphan to requeue", epochs: 1 });
    await claimNextJob(db, "dead-host:2:bbbbbb");
    await tryAcquire(db, TRAINER_LEASE, "dead-host:2:bbbbbb", 500, { jobId: orphan.id });
    const train = fakeTrain({ batchMs: 10 });
    const service = await start(train, { onLeaseExpired: "requeue" });
    await waitFor("the orphan to run again", async () => (await stateOf(db, orphan.id)) === "succeeded");
    expect(await getJob(db, orphan.id)).toMatchObject({ attempts: 2, runner: service.runnerId });
  });

  it("never runs two jobs at once with two services on one database", async () => {
    const db = getDb();
    const train = fakeTrain({ epochs: 1, batchesPerEpoch: 4, batchMs: 40 });
    const ids: number[] = [];
    for (let i = 0; i < 4; i++) ids.push((await enqueueJob(db, { requestedBy: "t", reason: `pair ${i}` })).id);
    await Promise.all([start(train, {}, "svc-a"), start(train, {}, "svc-b")]);
    await waitFor(
      "all jobs",
      async () => (await Promise.all(ids.map((id) => getJob(db, id)))).every((j) => j!.state === "succeeded"),
      { timeout: 30_000 },
    );
    const jobs = (await Promise.all(ids.map((id) => getJob(db, id))))
      .map((j) => j!)
      .sort((a, b) => a.startedAt!.localeCompare(b.startedAt!));
    for (let i = 1; i < jobs.length; i++) expect(jobs[i].startedAt! >= jobs[i - 1].finishedAt!).toBe(true);
  });

  it("stop() halts after the current batch, re-queues the job and releases the lease", async () => {
    const db = getDb();
    const train = fakeTrain({ epochs: 100, batchesPerEpoch: 10, batchMs: 30 });
    const job = await enqueueJob(db, { requestedBy: "t", reason: "interrupted" });
    const service = await start(train);
    await waitFor("the job to run", async () => (train.batches.get(job.id) ?? 0) > 2);
    await service.stop();
    services = [];
    await expect(service.stopped).resolves.toBeUndefined();
    expect(await getJob(db, job.id)).toMatchObject({ state: "queued", runner: null, epochsDone: 0 });
    expect((await getJob(db, job.id))?.error).toMatch(/shut down/);
    expect(await getLease(db, TRAINER_LEASE)).toBeNull();
    // Leave the queue empty for the next test.
    await requestCancel(db, job.id);
    expect(await listJobs(db, { state: "queued" })).toHaveLength(0);
  });
});
