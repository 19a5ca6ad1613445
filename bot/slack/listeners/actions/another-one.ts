// The "Another one" button under a quatrain: a fresh one at the same temperature and words.
import type { BlockButtonAction, Middleware, SlackActionMiddlewareArgs } from "@slack/bolt";
import { ANOTHER_ONE_ACTION, decodeAnotherOne } from "../../blocks.ts";
import type { SlackDeps } from "../../deps.ts";
import { BUSY_MESSAGE } from "../../in-flight.ts";
import { ephemeral, postProphecy, replyFailure } from "../../replies.ts";

export { ANOTHER_ONE_ACTION };

export const anotherOne =
  (deps: SlackDeps): Middleware<SlackActionMiddlewareArgs<BlockButtonAction>> =>
  async ({ ack, body, action, respond, client }) => {
    await ack();
    const release = deps.quatrains.tryEnter();
    const user = body.user.id;
    const channel = body.channel?.id ?? (body.container?.channel_id as string | undefined);
    try {
      await deps.runCommand({ surface: "slack", command: "button:another", user }, async (scope) => {
        if (!release) {
          await respond(ephemeral(BUSY_MESSAGE));
          return;
        }
        const value = decodeAnotherOne(action.value);
        if (!value || !channel) {
          await respond(ephemeral("This button no longer works; ask with `/prophecy`."));
          return;
        }
        const [prophecy] = await deps.oracle.prophesy(
          { temperature: value.temperature, about: value.about },
          { surface: "slack", requestedBy: user, channel },
        );
        scope.prophecy(prophecy!.id);
        // A new message, never an edit: the button's own message carries its quatrain's reactions.
        await postProphecy(client, channel, prophecy!, deps);
      });
    } catch (error) {
      await replyFailure(error, respond, deps);
    } finally {
      release?.();
    }
  };
