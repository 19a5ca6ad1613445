// How listeners answer: ephemeral text for the asker, the one classification of failures, and
// posting a quatrain where its reactions can be followed.
import type { RespondFn, types, webApi } from "@slack/bolt";
import type { StoredProphecy } from "../../core/oracle/types.ts";
import { publicError } from "../errors.ts";
import { quatrainMessage } from "./blocks.ts";
import type { SlackDeps } from "./deps.ts";
import { escapeSlack } from "./escape.ts";
import { slackMessageRef } from "./message-ref.ts";

export const ephemeral = (text: string, blocks?: types.KnownBlock[]) => ({
  response_type: "ephemeral" as const,
  text,
  ...(blocks ? { blocks } : {}),
});

/**
 * Tells the user privately what went wrong, in the service's one classification: a UserError's own
 * words (escaped: they may quote the user's input) plus `usage`, a shutdown notice, or the generic
 * apology for a bug (runCommand has logged it with its stack).
 */
export async function replyFailure(error: unknown, respond: RespondFn, deps: SlackDeps, usage = ""): Promise<void> {
  const answer = publicError(error);
  const text =
    escapeSlack(answer.hint ? `${answer.message}\n${answer.hint}` : answer.message) +
    (answer.kind === "user" ? usage : "");
  try {
    await respond(ephemeral(text));
  } catch (respondError) {
    deps.log.warn({ err: respondError, surface: "slack" }, "could not tell the user about a failure");
  }
}

const platformError = (error: unknown): string | undefined =>
  (error as { data?: { error?: unknown } }).data?.error as string | undefined;

/**
 * Posts the quatrain with chat.postMessage (its ts is what reactions point at) and records the
 * message on the prophecy. Where the bot is not a channel member it is posted through the
 * command's response_url instead: visible, but its reactions cannot be followed.
 */
export async function postProphecy(
  client: webApi.WebClient,
  channel: string,
  prophecy: StoredProphecy,
  deps: SlackDeps,
  respond?: RespondFn,
): Promise<void> {
  const message = quatrainMessage(prophecy);
  let posted;
  try {
    posted = await client.chat.postMessage({ channel, ...message, unfurl_links: false });
  } catch (error) {
    const code = platformError(error);
    if (!respond || (code !== "not_in_channel" && code !== "channel_not_found")) throw error;
    deps.log.warn(
      { surface: "slack", channel, code },
      "not a member of the channel: quatrain sent through response_url, reactions not followed",
    );
    await respond({ response_type: "in_channel", ...message });
    return;
  }
  const postedChannel = posted.channel ?? channel;
  if (!posted.ts) throw new Error("chat.postMessage answered without a message ts");
  await deps.oracle.attachMessage(prophecy.id, slackMessageRef(postedChannel, posted.ts), postedChannel);
}
