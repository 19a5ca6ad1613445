import { afterAll, beforeAll, expect, it } from "vitest";
import type { Db } from "../../core/db/client.ts";
import { enqueueJob, getJob, jobEpochs, type Job } from "../../core/db/jobs.ts";
import { currentModelVersion, getModelVersion, listModelVersions, rollback } from "../../core/db/model-versions.ts";
import { silentLogger } from "../../core/logger.ts";
import { initBackend } from "../../core/tf/backend.ts";
import { startTrainerService, type TrainerHandle } from "../../trainer/service.ts";
import { trainVersionFn } from "../../trainer/train-version-fn.ts";
import type { TrainFn } from "../../trainer/types.ts";
import { testConfig } from "../helpers/config.ts";
import { describeEachDatabase } from "../helpers/db.ts";
import { waitFor } from "../helpers/wait.ts";

const DOCS = 40;

const waitForJob = async (db: Db, id: number): Promise<Job> =>
  waitFor(
    `job ${id} to finish`,
    async () => {
      const job = (await getJob(db, id))!;
      return !["queued", "running"].includes(job.state) && job;
    },
    { timeout: 120_000, interval: 100 },
  );

// Real training on a corpus slice, through the service: the gate, rollback and retention.
describeEachDatabase("trainer service with real training", (getDb) => {
  let service: TrainerHandle;

  beforeAll(async () => {
    await initBackend({ preference: "wasm" });
    // Two cold 2-epoch runs on this slice differ by up to ~0.07 in validation loss from run to run:
    // the normal runs' tolerance covers that, the crippled run keeps the default 0.05.
    const config = testConfig(getDb().url, { trainer: { keepVersions: 1, pollSeconds: 0.1, promotionTolerance: 0.3 } });
    const deps = { db: getDb(), config, log: silentLogger };
    // Cold starts throughout: warm start has its own tests (core/training); here a second normal run
    // should land where the first did, so the gate's decision is about the crippled run alone.
    const normal = trainVersionFn(deps, { maxDocuments: DOCS, warmStart: false });
    // A job asking for a "crippled" run trains cold at a learning rate that learns nothing: a worse model.
    const crippled = trainVersionFn(
      { ...deps, config: testConfig(getDb().url, { training: { learningRate: 1e-6 } }) },
      { maxDocuments: DOCS, warmStart: false },
    );
    const train: TrainFn = async (request) =>
      ((await getJob(getDb(), request.jobId))?.reason === "crippled" ? crippled : normal)(request);
    service = await startTrainerService({
      db: getDb(),
      log: silentLogger,
      settings: config.trainer,
      train,
      schedule: false,
      backend: "wasm",
    });
  });
  afterAll(async () => {
    await service?.stop();
  });

  it("trains a queued job into the current version, with its epochs recorded", async () => {
    const db = getDb();
    const job = await waitForJob(db, (await enqueueJob(db, { requestedBy: "alice", reason: "first", epochs: 2 })).id);
    expect(job).toMatchObject({ state: "succeeded", epochsDone: 2, backend: "wasm", error: null });
    expect((await jobEpochs(db, job.id)).map((e) => e.epoch)).toEqual([1, 2]);
    const current = await currentModelVersion(db);
    expect(current).toMatchObject({ version: job.version, jobId: job.id, status: "accepted" });
  });

  it("stores a worse model as rejected (job state rejected, with the reason); the current version stays", async () => {
    const db = getDb();
    const before = (await currentModelVersion(db))!.version;
    const job = await waitForJob(db, (await enqueueJob(db, { requestedBy: "bob", reason: "crippled", epochs: 1 })).id);
    expect(job.state).toBe("rejected");
    expect(job.error).toMatch(/worse than current/);
    expect(await getModelVersion(db, job.version!)).toMatchObject({
      status: "rejected",
      isCurrent: false,
      jobId: job.id,
    });
    expect((await currentModelVersion(db))!.version).toBe(before);
  });

  it("keeps only the newest version's weights besides those ever current (retention), and rollback restores the previous current", async () => {
    const db = getDb();
    const first = (await currentModelVersion(db))!.version;
    const rejected = (await listModelVersions(db)).find((v) => v.status === "rejected")!.version;
    const job = await waitForJob(db, (await enqueueJob(db, { requestedBy: "carol", reason: "third", epochs: 2 })).id);
    expect(job.state, job.error ?? "").toBe("succeeded");
    const third = job.version!;
    expect((await currentModelVersion(db))!.version).toBe(third);

    // Retention runs right after the job is marked: wait for it to drop the rejected version's weights.
    const versions = async () => new Map((await listModelVersions(db)).map((v) => [v.version, v]));
    const byVersion = await waitFor("the rejected version's weights dropped", async () => {
      const now = await versions();
      return now.get(rejected)?.hasWeights === false && now;
    });
    expect(byVersion.get(first)?.hasWeights).toBe(true); // ever current
    expect(byVersion.get(third)?.hasWeights).toBe(true); // current and newest
    expect(byVersion.get(rejected)?.hasWeights).toBe(false); // neither: dropped, metadata kept
    expect(byVersion.get(rejected)?.valLoss).toBeGreaterThan(0);

    expect(await rollback(db, "admin")).toBe(first);
    expect((await currentModelVersion(db))!.version).toBe(first);
  });
});
