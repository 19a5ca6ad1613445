import type { Db } from "../core/db/client.ts";
import { countJobs, enqueueJob } from "../core/db/jobs.ts";
import { currentModelVersion } from "../core/db/model-versions.ts";
import type { Logger } from "../core/logger.ts";

/**
 * A fresh install has no model, and the bot has nothing to say until the nightly run: queue the
 * first training at start-up, unless one is already queued or running.
 */
export async function queueFirstModel(db: Db, log: Logger): Promise<void> {
  if (await currentModelVersion(db)) return;
  const pending = (await countJobs(db, "queued")) + (await countJobs(db, "running"));
  if (pending > 0) return;
  const job = await enqueueJob(db, { requestedBy: "trainer", reason: "first model: none is current yet" });
  log.info({ jobId: job.id }, "no current model: queued the first training");
}
