// A Slack command after it was written and acknowledged: the same steps whether the listener runs
// them right after the acknowledgement or a restarted bot runs them for a command a dead one left
// (core/oracle/commands.ts). Each step is safe to repeat: a drawn prophecy is tied to its command
// in the transaction that records it, and a post Slack already has is found by its metadata.
import type { webApi } from "@slack/bolt";
import type { Admission, ChatCommandRecord, StoredProphecy } from "../../core/oracle/types.ts";
import type { CommandScope } from "../command-log.ts";
import { historyMessage } from "./blocks.ts";
import type { SlackDeps } from "./deps.ts";
import { quote } from "./escape.ts";
import { slackMessageRef } from "./message-ref.ts";
import { ephemeral, findPosted, postProphecy, respondTo } from "./replies.ts";

/** What a quatrain command keeps (a /prophecy, or the "Another one" button). */
interface QuatrainRequest {
  temperature: string | number | null;
  about: string | null;
  responseUrl: string;
}

interface RetrainRequest {
  reason: string;
  responseUrl: string;
}

interface HistoryRequest {
  sort: "new" | "reactions";
  responseUrl: string;
}

const HISTORY_LIMIT = 5;

interface FinishOptions {
  /** The place in the in-flight limit the listener took before acknowledging (none on recovery). */
  admission?: Admission;
  scope?: CommandScope;
}

export async function finishSlackCommand(
  command: ChatCommandRecord,
  deps: SlackDeps,
  client: webApi.WebClient,
  opts: FinishOptions = {},
): Promise<void> {
  switch (command.kind) {
    case "prophecy":
    case "another":
      return finishQuatrain(command, deps, client, opts);
    case "retrain":
      return finishRetrain(command, deps, client);
    case "history":
      return finishHistory(command, deps);
  }
}

async function finishQuatrain(
  command: ChatCommandRecord,
  deps: SlackDeps,
  client: webApi.WebClient,
  opts: FinishOptions,
): Promise<void> {
  const request = command.request as unknown as QuatrainRequest;
  const channel = command.channel!;
  const answer = { id: command.id, responseUrl: request.responseUrl };
  let prophecy: StoredProphecy | null = command.prophecyId ? await deps.oracle.getProphecy(command.prophecyId) : null;
  if (prophecy) {
    // Drawn before the bot that acknowledged it died: maybe posted too, its answer never heard.
    opts.scope?.prophecy(prophecy.id);
    const ts = prophecy.messageRef ? null : await findPosted(client, channel, command.id, command.receivedAt);
    if (prophecy.messageRef || ts) {
      if (ts)
        await deps.oracle.attachMessage(prophecy.id, slackMessageRef(channel, ts), channel, { commandId: command.id });
      else await deps.oracle.commands.finish(command.id, "posted");
      return;
    }
  } else {
    [prophecy] = await deps.oracle.prophesy(
      { temperature: request.temperature, about: request.about },
      { surface: "slack", requestedBy: command.userId, channel },
      { admission: opts.admission, commandId: command.id },
    );
    opts.scope?.prophecy(prophecy.id);
  }
  await postProphecy(client, channel, prophecy, deps, answer);
}

async function isAdmin(client: webApi.WebClient, userId: string, deps: SlackDeps): Promise<boolean> {
  if (deps.adminUserIds.includes(userId)) return true;
  const info = await client.users.info({ user: userId });
  return Boolean(info.user?.is_admin || info.user?.is_owner || info.user?.is_primary_owner);
}

async function finishRetrain(command: ChatCommandRecord, deps: SlackDeps, client: webApi.WebClient): Promise<void> {
  const request = command.request as unknown as RetrainRequest;
  if (!(await isAdmin(client, command.userId, deps))) {
    await respondTo(
      request.responseUrl,
      ephemeral("Only workspace admins and owners (or users listed in SLACK_ADMIN_USER_IDS) may retrain the oracle."),
    );
    await deps.oracle.commands.finish(command.id, "refused: not an admin");
    return;
  }
  // The job is queued and the command finished in one transaction (the core's limits checked first).
  const ticket = await deps.oracle.requestRetrain({
    surface: "slack",
    requestedBy: command.userId,
    channel: command.channel,
    reason: request.reason,
    commandId: command.id,
  });
  await respondTo(
    request.responseUrl,
    ephemeral(
      `Retraining queued as job #${ticket.jobId} (${ticket.state}), reason “${quote(request.reason)}”. I will say in this channel when it ends.`,
    ),
  );
}

async function finishHistory(command: ChatCommandRecord, deps: SlackDeps): Promise<void> {
  const request = command.request as unknown as HistoryRequest;
  const page = await deps.oracle.history({ sort: request.sort, limit: HISTORY_LIMIT });
  const message = historyMessage(page.prophecies, request.sort, deps.publicUrl);
  await respondTo(request.responseUrl, ephemeral(message.text, message.blocks));
  await deps.oracle.commands.finish(command.id, "answered");
}
