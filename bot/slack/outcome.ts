// How a /retrain asked in Slack ended, as the channel is told (the core's announcer loop posts it).
import type { JobOutcome } from "../../core/oracle/types.ts";
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
