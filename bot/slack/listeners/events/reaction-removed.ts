import type { Middleware, SlackEventMiddlewareArgs } from "@slack/bolt";
import type { SlackDeps } from "../../deps.ts";
import { toReactionEvent } from "../../reactions.ts";

export const reactionRemoved =
  (deps: SlackDeps): Middleware<SlackEventMiddlewareArgs<"reaction_removed">> =>
  async ({ event }) => {
    const reaction = toReactionEvent(event, false);
    if (reaction) await deps.tracker.run(() => deps.oracle.recordReaction(reaction));
  };
