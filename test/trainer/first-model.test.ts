import { expect, it } from "vitest";
import { listJobs } from "../../core/db/jobs.ts";
import { createModelVersion } from "../../core/db/model-versions.ts";
import { silentLogger } from "../../core/logger.ts";
import { queueFirstModel } from "../../trainer/first-model.ts";
import { clearDatabase, describeEachDatabase, sampleModelVersion } from "../helpers/db.ts";

describeEachDatabase("queueFirstModel", (getDb) => {
  it("queues one training when no model is current, and only one", async () => {
    await clearDatabase(getDb());
    await queueFirstModel(getDb(), silentLogger);
    await queueFirstModel(getDb(), silentLogger);
    const jobs = await listJobs(getDb());
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({ state: "queued", requestedBy: "trainer" });
  });

  it("queues nothing when a model is current", async () => {
    await clearDatabase(getDb());
    await createModelVersion(getDb(), sampleModelVersion(), { promote: { by: "test", reason: "test" } });
    await queueFirstModel(getDb(), silentLogger);
    expect(await listJobs(getDb())).toHaveLength(0);
  });
});
