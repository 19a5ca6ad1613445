import type { ReactionEvent } from "../../core/oracle/types.ts";
import { slackMessageRef } from "./message-ref.ts";
import { eventOrder, reactionEvent } from "./payloads.ts";

type ReactionRead = { event: ReactionEvent } | { ignored: string } | { malformed: string };

/**
 * The core's reaction event from a reaction_added / reaction_removed event: its order is event_ts to
 * the microsecond (two events within one millisecond keep their order), so a retried delivery is the
 * same event and a late one is older. Reactions on files and other non-messages are ignored;
 * events of the wrong shape are malformed (dropped with a log line).
 */
export function toReactionEvent(raw: unknown, added: boolean): ReactionRead {
  const parsed = reactionEvent.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { malformed: `${issue.path.join(".") || "event"}: ${issue.message}` };
  }
  const { item, user, reaction, event_ts } = parsed.data;
  if (item.type !== "message" || !item.channel || !item.ts) return { ignored: "not a message" };
  const order = eventOrder(event_ts);
  return {
    event: {
      platform: "slack",
      messageRef: slackMessageRef(item.channel, item.ts),
      channel: item.channel,
      userId: user,
      emoji: reaction,
      added,
      at: new Date(Number(order / 1000n)),
      order,
    },
  };
}
