// Record, then acknowledge, then work: every Slack command that does work after its
// acknowledgement is written first (ChatCommand), so a crash after the ack loses nothing.
import type { webApi } from "@slack/bolt";
import { shortError } from "../../core/errors.ts";
import type { Admission, ChatCommandRecord } from "../../core/oracle/types.ts";
import type { NewChatCommand } from "../../core/db/chat-commands.ts";
import { finishSlackCommand } from "./commands.ts";
import type { SlackDeps } from "./deps.ts";
import { failureText, replyFailure } from "./replies.ts";

// Bolt's ack for a command takes a message; for a button, nothing (the message is ignored there).
type Ack = (response?: never) => Promise<void>;

/**
 * Writes the command, then acknowledges it (empty: the answer follows). When it cannot be written
 * (the database is out) the acknowledgement itself says why, and nothing was accepted: null.
 */
export async function receiveThenAck(
  deps: SlackDeps,
  ack: Ack,
  command: Omit<NewChatCommand, "owner" | "surface">,
): Promise<ChatCommandRecord | null> {
  try {
    const received = await deps.oracle.commands.receive({ ...command, surface: "slack" });
    await ack();
    return received;
  } catch (error) {
    await ack({ response_type: "ephemeral", text: failureText(error) } as never);
    return null;
  }
}

/**
 * Runs a received command as one tracked, logged command; a failure is told to the user privately
 * (usage appended to a user's mistake) and ends the command, as an answer does.
 */
export async function runReceived(
  deps: SlackDeps,
  client: webApi.WebClient,
  command: ChatCommandRecord,
  name: string,
  opts: { admission?: Admission | null; usage?: string } = {},
): Promise<void> {
  const responseUrl = String(command.request.responseUrl);
  try {
    await deps.runCommand({ surface: "slack", command: name, user: command.userId }, (scope) =>
      finishSlackCommand(command, deps, client, { admission: opts.admission ?? undefined, scope }),
    );
  } catch (error) {
    await replyFailure(responseUrl, error, deps, opts.usage);
    await deps.oracle.commands
      .finish(command.id, `failed: ${shortError(error, 200)}`)
      .catch((err: unknown) =>
        deps.log.warn({ err: shortError(err), commandId: command.id }, "could not end a command"),
      );
  } finally {
    opts.admission?.release();
  }
}
