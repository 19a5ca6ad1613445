// How Slack commands answer: privately through the command's response_url (valid 30 minutes, so a
// restarted bot can still answer what it acknowledged), in the one classification of failures, and
// a quatrain posted where its reactions can be followed, its link recorded in the same step.
import type { types, webApi } from "@slack/bolt";
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

/** Posts to a command's response_url (what Bolt's respond() does), so it works after a restart too. */
export async function respondTo(responseUrl: string, message: Record<string, unknown>): Promise<void> {
  const res = await fetch(responseUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(message),
    signal: AbortSignal.timeout(10_000),
  });
  if (!res.ok) throw new Error(`response_url answered HTTP ${res.status}`);
}

/**
 * What the user is told privately when a command fails, in the service's one classification: a
 * UserError's own words (escaped: they may quote the user's input) plus `usage`, "busy", an outage's
 * plain reason, or the generic apology for a bug. Never an operator's hint, never a literal "\n".
 */
export function failureText(error: unknown, usage = ""): string {
  const answer = publicError(error);
  return escapeSlack(answer.message) + (answer.kind === "user" ? usage : "");
}

/** Tells the user about a failure; a failure to tell them is only logged. */
export async function replyFailure(responseUrl: string, error: unknown, deps: SlackDeps, usage = ""): Promise<void> {
  try {
    await respondTo(responseUrl, ephemeral(failureText(error, usage)));
  } catch (respondError) {
    deps.log.warn(
      { err: (respondError as Error).message, surface: "slack" },
      "could not tell the user about a failure",
    );
  }
}

const platformError = (error: unknown): string | undefined =>
  (error as { data?: { error?: unknown } }).data?.error as string | undefined;

/** The metadata a quatrain is posted with: how a restarted bot finds a post it never heard back about. */
const PROPHECY_EVENT = "oracle_prophecy";

/**
 * The message a command's quatrain was posted as, if Slack has it (the bot died between Slack
 * storing the post and hearing back): looked up by the command id in the messages' metadata.
 */
export async function findPosted(
  client: webApi.WebClient,
  channel: string,
  commandId: number,
  since: Date,
): Promise<string | null> {
  let cursor: string | undefined;
  for (let page = 0; page < 20; page++) {
    const history = await client.conversations.history({
      channel,
      oldest: String(Math.floor(since.getTime() / 1000) - 1),
      include_all_metadata: true,
      limit: 200,
      ...(cursor ? { cursor } : {}),
    });
    for (const m of history.messages ?? []) {
      const meta: { event_type?: string; event_payload?: { command_id?: unknown } } | undefined = m.metadata;
      if (meta?.event_type === PROPHECY_EVENT && Number(meta.event_payload?.command_id) === commandId && m.ts)
        return m.ts;
    }
    cursor = history.response_metadata?.next_cursor || undefined;
    if (!history.has_more || !cursor) return null;
  }
  return null;
}

/**
 * Posts the quatrain with chat.postMessage (its ts is what reactions point at; its metadata names
 * the command) and records the link on the prophecy, finishing the command in the same step. Where
 * the bot is not a channel member it is posted through the response_url instead: visible, but its
 * reactions cannot be followed.
 */
export async function postProphecy(
  client: webApi.WebClient,
  channel: string,
  prophecy: StoredProphecy,
  deps: SlackDeps,
  command: { id: number; responseUrl: string },
): Promise<void> {
  const message = quatrainMessage(prophecy);
  let posted;
  try {
    posted = await client.chat.postMessage({
      channel,
      ...message,
      unfurl_links: false,
      metadata: { event_type: PROPHECY_EVENT, event_payload: { command_id: command.id, prophecy_id: prophecy.id } },
    });
  } catch (error) {
    const code = platformError(error);
    if (code !== "not_in_channel" && code !== "channel_not_found") throw error;
    deps.log.warn(
      { surface: "slack", channel, code },
      "not a member of the channel: quatrain sent through response_url, reactions not followed",
    );
    await respondTo(command.responseUrl, { response_type: "in_channel", ...message });
    await deps.oracle.commands.finish(command.id, "answered through response_url (not in the channel)");
    return;
  }
  const postedChannel = posted.channel ?? channel;
  if (!posted.ts) throw new Error("chat.postMessage answered without a message ts");
  await deps.oracle.attachMessage(prophecy.id, slackMessageRef(postedChannel, posted.ts), postedChannel, {
    commandId: command.id,
  });
}
