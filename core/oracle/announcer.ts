// The one announcer loop: finished /retrain jobs asked from a surface, each claimed by one bot
// process only (claimJobOutcomes), handed to that surface's `post` (Discord: a channel message;
// Slack: chat.postMessage). A failed post is logged; the outcome stays claimed, as before.
import { shortError } from "../errors.ts";
import type { Logger } from "../logger.ts";
import type { Surface } from "../surface.ts";
import { repeat, type Repeating } from "./repeat.ts";
import type { JobOutcome, Oracle } from "./types.ts";

export interface AnnouncerOptions {
  oracle: Pick<Oracle, "claimJobOutcomes">;
  surface: Surface;
  intervalMs: number;
  log: Logger;
  /** Tells the channel (or the requester) how the job ended. */
  post(outcome: JobOutcome): Promise<void>;
}

export function startAnnouncer(opts: AnnouncerOptions): Pick<Repeating, "stop"> {
  const { oracle, surface, log } = opts;
  return repeat(
    opts.intervalMs,
    async () => {
      for (const outcome of await oracle.claimJobOutcomes(surface)) {
        try {
          await opts.post(outcome);
          log.info(
            { surface, jobId: outcome.jobId, state: outcome.state, channel: outcome.channel },
            "retrain outcome announced",
          );
        } catch (err) {
          log.error(
            { err, surface, jobId: outcome.jobId, channel: outcome.channel },
            "could not announce a retrain outcome",
          );
        }
      }
    },
    (err) => log.warn({ err: shortError(err), surface }, "checking retrain outcomes failed; trying again"),
  );
}
