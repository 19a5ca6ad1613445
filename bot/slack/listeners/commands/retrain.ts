// /retrain [reason]: admins only (SLACK_ADMIN_USER_IDS, or workspace admins and owners per users.info).
import type { Middleware, SlackCommandMiddlewareArgs } from "@slack/bolt";
import type { SlackDeps } from "../../deps.ts";
import { checkReason } from "../../../../core/limits.ts";
import { receiveThenAck, runReceived } from "../../receive.ts";
import { ephemeral, failureText } from "../../replies.ts";

export const RETRAIN_COMMAND = "/retrain";

export const retrainCommand =
  (deps: SlackDeps): Middleware<SlackCommandMiddlewareArgs> =>
  async ({ command, ack, client }) => {
    // The core checks the reason against its one limit (and answers a longer one with why).
    const reason = (command.text ?? "").trim() || "asked in Slack";
    // Past the core's limit: refused in the acknowledgement, nothing written.
    try {
      checkReason(reason);
    } catch (error) {
      return ack(ephemeral(failureText(error)));
    }
    const received = await receiveThenAck(deps, ack, {
      kind: "retrain",
      userId: command.user_id,
      channel: command.channel_id,
      request: { reason, responseUrl: command.response_url },
    });
    if (received) await runReceived(deps, client, received, RETRAIN_COMMAND);
  };
