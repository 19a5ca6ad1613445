import type { ReactionEvent } from "../../core/oracle/types.ts";
import { slackMessageRef } from "./message-ref.ts";

/** The fields of reaction_added / reaction_removed this app reads. */
export interface SlackReaction {
  user: string;
  reaction: string;
  item: { type: string; channel?: string; ts?: string };
  event_ts: string;
}

/**
 * The core's reaction event, or null for reactions on files and other non-messages. `at` is the
 * event's own time (event_ts), so a retried delivery is the same event and a late one is older.
 */
export function toReactionEvent(event: SlackReaction, added: boolean): ReactionEvent | null {
  const { item } = event;
  if (item.type !== "message" || !item.channel || !item.ts) return null;
  const seconds = Number(event.event_ts);
  if (!Number.isFinite(seconds)) return null;
  return {
    platform: "slack",
    messageRef: slackMessageRef(item.channel, item.ts),
    channel: item.channel,
    userId: event.user,
    emoji: event.reaction,
    added,
    at: new Date(Math.round(seconds * 1000)),
  };
}
