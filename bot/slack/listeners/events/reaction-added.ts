import type { Middleware, SlackEventMiddlewareArgs } from "@slack/bolt";
import type { SlackDeps } from "../../deps.ts";
import { recordSlackReaction } from "./record-reaction.ts";

// Events are acknowledged by Bolt before listeners run; a failure here is logged by app.error.
export const reactionAdded =
  (deps: SlackDeps): Middleware<SlackEventMiddlewareArgs<"reaction_added">> =>
  ({ event }) =>
    recordSlackReaction(deps, event, true);
