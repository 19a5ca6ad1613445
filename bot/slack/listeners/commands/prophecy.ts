// /prophecy [temperature] [words…] | help | history | top
import type { Middleware, SlackCommandMiddlewareArgs } from "@slack/bolt";
import { historyMessage } from "../../blocks.ts";
import type { SlackDeps } from "../../deps.ts";
import { escapeSlack } from "../../escape.ts";
import { BUSY_MESSAGE } from "../../in-flight.ts";
import { parseProphecyText, PROPHECY_USAGE } from "../../prophecy-args.ts";
import { ephemeral, postProphecy, replyFailure } from "../../replies.ts";

export const PROPHECY_COMMAND = "/prophecy";
const HISTORY_LIMIT = 5;

export const prophecyCommand =
  (deps: SlackDeps): Middleware<SlackCommandMiddlewareArgs> =>
  async ({ command, ack, respond, client }) => {
    const parsed = parseProphecyText(command.text ?? "");
    // Parsing is instant and pure: bad input, help and "busy" are answered in the acknowledgement itself.
    const release = parsed.kind === "prophecy" ? deps.quatrains.tryEnter() : null;
    try {
      if (parsed.kind === "invalid") await ack(ephemeral(`${escapeSlack(parsed.problem)}\n\n${PROPHECY_USAGE}`));
      else if (parsed.kind === "help") await ack(ephemeral(PROPHECY_USAGE));
      else if (parsed.kind === "prophecy" && !release) {
        await ack(ephemeral(BUSY_MESSAGE));
        deps.log.debug({ surface: "slack", inFlight: deps.quatrains.active }, "busy: /prophecy refused");
        return;
      } else await ack();
      const name =
        parsed.kind === "prophecy"
          ? PROPHECY_COMMAND
          : `${PROPHECY_COMMAND} ${parsed.kind === "history" && parsed.sort === "reactions" ? "top" : parsed.kind}`;
      try {
        await deps.runCommand({ surface: "slack", command: name, user: command.user_id }, async (scope) => {
          if (parsed.kind === "invalid" || parsed.kind === "help") return;
          if (parsed.kind === "history") {
            const page = await deps.oracle.history({ sort: parsed.sort, limit: HISTORY_LIMIT });
            const message = historyMessage(page.prophecies, parsed.sort, deps.publicUrl);
            await respond(ephemeral(message.text, message.blocks));
            return;
          }
          const [prophecy] = await deps.oracle.prophesy(
            { temperature: parsed.temperature, about: parsed.about },
            { surface: "slack", requestedBy: command.user_id, channel: command.channel_id },
          );
          scope.prophecy(prophecy!.id);
          await postProphecy(client, command.channel_id, prophecy!, deps, respond);
        });
      } catch (error) {
        await replyFailure(error, respond, deps, `\n\n${PROPHECY_USAGE}`);
      }
    } finally {
      release?.();
    }
  };
