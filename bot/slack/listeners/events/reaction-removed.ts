import type { Middleware, SlackEventMiddlewareArgs } from "@slack/bolt";
import type { SlackDeps } from "../../deps.ts";
import { recordSlackReaction } from "./record-reaction.ts";

export const reactionRemoved =
  (deps: SlackDeps): Middleware<SlackEventMiddlewareArgs<"reaction_removed">> =>
  ({ event }) =>
    recordSlackReaction(deps, event, false);
