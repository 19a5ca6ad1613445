import { expect, it } from "vitest";
import { release, tryAcquire, TRAINER_LEASE } from "../../core/db/leases.ts";
import { createModelVersion } from "../../core/db/model-versions.ts";
import { describeEachDatabase, sampleModelVersion } from "../helpers/db.ts";
import { hasStackTrace, runOracle } from "../helpers/run-oracle.ts";
import type { Job } from "../../core/db/jobs.ts";

describeEachDatabase("oracle retrain / jobs / cancel / promote / rollback", (getDb) => {
  const env = () => ({ DATABASE_URL: getDb().url });

  it("queues a job, lists it in the documented JSON shape, and cancels it", async () => {
    const queued = await runOracle(
      ["retrain", "--reason", "new corpus", "--by", "ada", "--epochs", "3", "--json"],
      env(),
    );
    expect(queued.code, queued.stderr).toBe(0);
    const job = JSON.parse(queued.stdout) as Job;
    expect(job).toMatchObject({ state: "queued", requestedBy: "ada", reason: "new corpus" });

    const listed = (JSON.parse((await runOracle(["jobs", "--json"], env())).stdout) as { jobs: Job[] }).jobs;
    expect(Object.keys(listed[0]).sort()).toEqual(
      [
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
      ].sort(),
    );
    expect(listed[0]).toMatchObject({ id: job.id, state: "queued" });

    expect((await runOracle(["cancel", String(job.id)], env())).stdout).toMatch(/cancelled/);
    const again = await runOracle(["cancel", String(job.id)], env());
    expect(again.code).toBe(1);
    expect(hasStackTrace(again.stderr)).toBe(false);
  });

  it("promotes and rolls back versions, with clear errors for impossible requests", async () => {
    const missing = await runOracle(["promote", "99"], env());
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no model version 99/);
    const first = await createModelVersion(getDb(), sampleModelVersion());
    const second = await createModelVersion(getDb(), sampleModelVersion());
    expect((await runOracle(["promote", String(first)], env())).code).toBe(0);
    expect((await runOracle(["promote", String(second)], env())).code).toBe(0);
    const back = await runOracle(["rollback"], env());
    expect(back.stdout).toMatch(new RegExp(`model version ${first} is current`));
    const none = await runOracle(["rollback"], env());
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/nothing to roll back/);
  });

  it("refuses to train while another process holds the trainer lease", async () => {
    await tryAcquire(getDb(), TRAINER_LEASE, "other-host:42:abc", 60_000);
    try {
      const r = await runOracle(["train", "--epochs", "1", "--max-documents", "5"], env());
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/A training is already running \(other-host:42:abc\)/);
      expect(r.stderr).toMatch(/oracle retrain/);
    } finally {
      await release(getDb(), TRAINER_LEASE, "other-host:42:abc");
    }
  });
});
