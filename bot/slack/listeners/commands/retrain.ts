// /retrain [reason]: admins only (SLACK_ADMIN_USER_IDS, or workspace admins and owners per users.info).
import type { Middleware, SlackCommandMiddlewareArgs, webApi } from "@slack/bolt";
import type { SlackDeps } from "../../deps.ts";
import { quote } from "../../escape.ts";
import { ephemeral, replyFailure } from "../../replies.ts";

export const RETRAIN_COMMAND = "/retrain";
const MAX_REASON = 500;

async function isAdmin(client: webApi.WebClient, userId: string, deps: SlackDeps): Promise<boolean> {
  if (deps.adminUserIds.includes(userId)) return true;
  const info = await client.users.info({ user: userId });
  return Boolean(info.user?.is_admin || info.user?.is_owner || info.user?.is_primary_owner);
}

export const retrainCommand =
  (deps: SlackDeps): Middleware<SlackCommandMiddlewareArgs> =>
  async ({ command, ack, respond, client }) => {
    await ack();
    try {
      await deps.runCommand({ surface: "slack", command: RETRAIN_COMMAND, user: command.user_id }, async () => {
        if (!(await isAdmin(client, command.user_id, deps))) {
          await respond(
            ephemeral(
              "Only workspace admins and owners (or users listed in SLACK_ADMIN_USER_IDS) may retrain the oracle.",
            ),
          );
          return;
        }
        const reason = (command.text ?? "").trim().slice(0, MAX_REASON) || "asked in Slack";
        const ticket = await deps.oracle.requestRetrain({
          surface: "slack",
          requestedBy: command.user_id,
          channel: command.channel_id,
          reason,
        });
        await respond(
          ephemeral(
            `Retraining queued as job #${ticket.jobId} (${ticket.state}), reason “${quote(reason)}”. I will say in this channel when it ends.`,
          ),
        );
      });
    } catch (error) {
      await replyFailure(error, respond, deps);
    }
  };
