// Tells the channel a /retrain was asked in how its job ended: the new version is live, or why not.
import type { webApi } from "@slack/bolt";
import type { Logger } from "../../core/logger.ts";
import type { JobOutcome, Oracle } from "../../core/oracle/types.ts";
import { escapeSlack } from "./escape.ts";

const mention = (userId: string) => (/^[A-Z0-9]+$/.test(userId) ? `<@${userId}>` : escapeSlack(userId));

export function outcomeText(o: JobOutcome): string {
  const who = `asked by ${mention(o.requestedBy)}`;
  switch (o.state) {
    case "succeeded":
      return `:crystal_ball: Retraining finished: model v${o.version} is live (job #${o.jobId}, ${who}).`;
    case "rejected":
      return `Retraining job #${o.jobId} (${who}) trained v${o.version ?? "?"}, but it was not made current: ${escapeSlack(o.detail ?? "no reason recorded")}. The current model stays.`;
    case "cancelled":
      return `Retraining job #${o.jobId} (${who}) was cancelled.`;
    default:
      return `Retraining job #${o.jobId} (${who}) failed: ${escapeSlack(o.detail ?? "no reason recorded")}.`;
  }
}

export interface Announcer {
  stop(): Promise<void>;
}

/** Polls the core for finished Slack jobs (each claimed by one bot process) and posts them. */
export function startAnnouncer(opts: {
  oracle: Oracle;
  client: webApi.WebClient;
  log: Logger;
  intervalMs: number;
}): Announcer {
  const { oracle, client, log } = opts;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  const tick = async () => {
    for (const outcome of await oracle.claimJobOutcomes("slack")) {
      // No channel (asked elsewhere): the requester's DM.
      const channel = outcome.channel ?? outcome.requestedBy;
      try {
        await client.chat.postMessage({ channel, text: outcomeText(outcome) });
      } catch (error) {
        log.error(
          { err: error, surface: "slack", jobId: outcome.jobId, channel },
          "could not announce a retrain outcome",
        );
      }
    }
  };
  const loop = () => {
    running = tick()
      .catch((error: unknown) => log.error({ err: error, surface: "slack" }, "retrain announcer failed; trying again"))
      .finally(() => {
        if (!stopped) timer = setTimeout(loop, opts.intervalMs);
      });
  };
  timer = setTimeout(loop, opts.intervalMs);
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
