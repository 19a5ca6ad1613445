// The "Another one" button under a quatrain: a fresh one at the same temperature and words.
import type { BlockButtonAction, Middleware, SlackActionMiddlewareArgs } from "@slack/bolt";
import { BUSY_MESSAGE } from "../../../../core/errors.ts";
import { ANOTHER_ONE_ACTION, decodeAnotherOne } from "../../blocks.ts";
import type { SlackDeps } from "../../deps.ts";
import { receiveThenAck, runReceived } from "../../receive.ts";
import { ephemeral, respondTo } from "../../replies.ts";

export { ANOTHER_ONE_ACTION };

export const anotherOne =
  (deps: SlackDeps): Middleware<SlackActionMiddlewareArgs<BlockButtonAction>> =>
  async ({ ack, body, action, respond, client }) => {
    const user = body.user.id;
    const channel = body.channel?.id ?? (body.container?.channel_id as string | undefined);
    const value = decodeAnotherOne(action.value);
    if (!value || !channel || !body.response_url) {
      await ack();
      await respond(ephemeral("This button no longer works; ask with `/prophecy`."));
      return;
    }
    // Shed before anything is written; a button's acknowledgement carries no text, so "busy" follows it.
    const admission = deps.oracle.admit();
    if (!admission) {
      await ack();
      await respondTo(body.response_url, ephemeral(BUSY_MESSAGE)).catch(() => undefined);
      return;
    }
    const received = await receiveThenAck(deps, ack, {
      kind: "another",
      userId: user,
      channel,
      request: { temperature: value.temperature, about: value.about, responseUrl: body.response_url },
    });
    if (!received) return admission.release();
    // A new message, never an edit: the button's own message carries its quatrain's reactions.
    await runReceived(deps, client, received, "button:another", { admission });
  };
