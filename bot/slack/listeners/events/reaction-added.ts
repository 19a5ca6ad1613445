import type { Middleware, SlackEventMiddlewareArgs } from "@slack/bolt";
import type { SlackDeps } from "../../deps.ts";
import { toReactionEvent } from "../../reactions.ts";

// Events are acknowledged by Bolt before listeners run; a failure here is logged by app.error.
export const reactionAdded =
  (deps: SlackDeps): Middleware<SlackEventMiddlewareArgs<"reaction_added">> =>
  async ({ event }) => {
    const reaction = toReactionEvent(event, true);
    if (reaction) await deps.tracker.run(() => deps.oracle.recordReaction(reaction));
  };
