import { readFileSync } from "node:fs";
import { afterEach, expect, it } from "vitest";
import type { Db } from "../../core/db/client.ts";
import { enqueueJob, getJob, type Job } from "../../core/db/jobs.ts";
import { getLease, TRAINER_LEASE } from "../../core/db/leases.ts";
import { currentModelVersion, listModelVersions } from "../../core/db/model-versions.ts";
import { describeEachDatabase } from "../helpers/db.ts";
import { waitFor } from "../helpers/wait.ts";
import { runnerPid, spawnTrainer, type TrainerProcess } from "./spawn-trainer.ts";

/** Waits for `check`, with the trainers' logs in the timeout error. */
const waitForTrainers = (what: string, check: () => Promise<boolean>, timeout: number, procs: TrainerProcess[] = []) =>
  waitFor(what, check, { timeout, detail: () => procs.map((p) => p.log().slice(-3000)).join("\n---\n") });
const jobs = (db: Db, ids: number[]) => Promise.all(ids.map(async (id) => (await getJob(db, id))!));
const finished = (j: Job) => !["queued", "running"].includes(j.state);

/** SIGTERM, and how long the process took to exit and with what. */
async function terminate(p: TrainerProcess) {
  const sentAt = Date.now();
  p.child.kill("SIGTERM");
  const exit = await p.exited;
  return { ...exit, ms: exit.at - sentAt };
}

describeEachDatabase("trainer processes", (getDb) => {
  let procs: TrainerProcess[] = [];
  afterEach(() => {
    for (const p of procs) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill("SIGKILL");
    procs = [];
  });
  const spawnTwo = (mode: "real" | "fake", env?: Record<string, string>) => {
    procs = [spawnTrainer(mode, getDb().url, env), spawnTrainer(mode, getDb().url, env)];
    return procs;
  };

  it("two trainers and three queued jobs: one at a time, all finish; SIGTERM exits 0 within 10 s", async () => {
    const db = getDb();
    const ids: number[] = [];
    for (let i = 0; i < 3; i++)
      ids.push((await enqueueJob(db, { requestedBy: "test", reason: `job ${i}`, epochs: 2 })).id);
    const [a, b] = spawnTwo("fake");
    await waitForTrainers("three finished jobs", async () => (await jobs(db, ids)).every(finished), 60_000, procs);

    const done = (await jobs(db, ids)).sort((x, y) => x.startedAt!.localeCompare(y.startedAt!));
    expect(done.map((j) => j.state)).toEqual(["succeeded", "succeeded", "succeeded"]);
    expect(done.map((j) => j.epochsDone)).toEqual([2, 2, 2]);
    for (let i = 1; i < done.length; i++) expect(done[i].startedAt! >= done[i - 1].finishedAt!).toBe(true);
    for (const j of done) expect([a.pid, b.pid]).toContain(runnerPid(j.runner));

    for (const p of [a, b]) {
      const exit = await terminate(p);
      expect(exit).toMatchObject({ code: 0, signal: null });
      expect(exit.ms).toBeLessThan(10_000);
    }
    expect(await getLease(db, TRAINER_LEASE)).toBeNull();
  });

  it("SIGTERM mid-job: stops after the batch, re-queues the job, releases the lease, exits 0 within 10 s", async () => {
    const db = getDb();
    const job = await enqueueJob(db, { requestedBy: "test", reason: "long", epochs: 500 });
    const p = spawnTrainer("fake", db.url);
    procs = [p];
    await waitForTrainers(
      "an epoch of the job",
      async () => (await getJob(db, job.id))!.epochsDone >= 1,
      30_000,
      procs,
    );
    // TRAINER_NICE (default 10): the training runs below the bot's priority (Linux: /proc's 19th field).
    if (process.platform === "linux") {
      const stat = readFileSync(`/proc/${p.pid}/stat`, "utf8");
      expect(Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[16])).toBeGreaterThanOrEqual(10);
    }
    const exit = await terminate(p);
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(exit.ms).toBeLessThan(10_000);
    expect(await getJob(db, job.id)).toMatchObject({ state: "queued", runner: null, epochsDone: 0 });
    expect(await getLease(db, TRAINER_LEASE)).toBeNull();
    // Start over on a clean queue.
    await db.prisma.trainingJob.update({ where: { id: job.id }, data: { state: "cancelled" } });
  });

  it("SIGKILL mid-training: the other trainer takes over after the lease timeout, the job is failed, no partial version", async () => {
    const db = getDb();
    const versionsBefore = (await listModelVersions(db)).length;
    const currentBefore = (await currentModelVersion(db))?.version ?? null;
    const job = await enqueueJob(db, { requestedBy: "test", reason: "to be killed", epochs: 200 });
    // Real training blocks the event loop for up to ~2 s at its start (more on a busy machine): a lease
    // must outlive that, or a live trainer would be taken over.
    const [a, b] = spawnTwo("real", { TRAINER_LEASE_TIMEOUT_SECONDS: "8" });
    await waitForTrainers(
      "the job to train an epoch",
      async () => (await getJob(db, job.id))!.epochsDone >= 1,
      90_000,
      procs,
    );

    const running = (await getJob(db, job.id))!;
    const victim = [a, b].find((p) => p.pid === runnerPid(running.runner))!;
    const survivor = victim === a ? b : a;
    const lastRenewal = (await getLease(db, TRAINER_LEASE))!.renewedAt.getTime();
    victim.child.kill("SIGKILL");
    await victim.exited;

    await waitForTrainers("the job to be marked", async () => finished((await getJob(db, job.id))!), 40_000, procs);
    const marked = (await getJob(db, job.id))!;
    expect(marked.state).toBe("failed");
    expect(marked.error).toContain(running.runner!);
    expect(marked.version).toBeNull();
    // Not before the 8 s lease had expired.
    expect(new Date(marked.finishedAt!).getTime() - lastRenewal).toBeGreaterThanOrEqual(8_000);
    expect((await listModelVersions(db)).filter((v) => v.jobId === job.id)).toEqual([]);
    expect((await listModelVersions(db)).length).toBe(versionsBefore);
    expect((await currentModelVersion(db))?.version ?? null).toBe(currentBefore);

    // The survivor holds the queue now: the next job trains, to a current version.
    const next = await enqueueJob(db, { requestedBy: "test", reason: "after the crash", epochs: 1 });
    await waitForTrainers("the next job", async () => finished((await getJob(db, next.id))!), 90_000, procs);
    const after = (await getJob(db, next.id))!;
    expect(after, after.error ?? "").toMatchObject({ state: "succeeded", backend: "wasm" });
    expect(runnerPid(after.runner)).toBe(survivor.pid);
    expect((await currentModelVersion(db))?.version).toBe(after.version);
    expect((await terminate(survivor)).code).toBe(0);
  });
});
