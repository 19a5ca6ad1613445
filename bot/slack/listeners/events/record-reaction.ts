// What reaction_added and reaction_removed share: read the event, record it once through the core.
// A malformed event, or one the core refuses (an emoji name past its limit), is dropped with one
// log line and acknowledged: retrying it could never succeed.
import { describeError } from "../../../../core/errors.ts";
import type { SlackDeps } from "../../deps.ts";
import { toReactionEvent } from "../../reactions.ts";

export async function recordSlackReaction(deps: SlackDeps, raw: unknown, added: boolean): Promise<void> {
  const read = toReactionEvent(raw, added);
  if ("malformed" in read) {
    deps.log.warn({ surface: "slack", problem: read.malformed }, "malformed reaction event dropped");
    return;
  }
  if ("ignored" in read) return;
  try {
    await deps.tracker.run(() => deps.oracle.recordReaction(read.event));
  } catch (error) {
    if (describeError(error).kind !== "user") throw error; // a database that is out: Slack retries later
    deps.log.warn(
      { surface: "slack", problem: describeError(error).message, user: read.event.userId },
      "reaction event refused and dropped",
    );
  }
}
