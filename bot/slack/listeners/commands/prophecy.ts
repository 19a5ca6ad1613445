// /prophecy [temperature] [words…] | help | history | top
import type { Middleware, SlackCommandMiddlewareArgs } from "@slack/bolt";
import { BUSY_MESSAGE, describeError } from "../../../../core/errors.ts";
import type { SlackDeps } from "../../deps.ts";
import { escapeSlack } from "../../escape.ts";
import { parseProphecyText, PROPHECY_USAGE } from "../../prophecy-args.ts";
import { receiveThenAck, runReceived } from "../../receive.ts";
import { ephemeral, failureText } from "../../replies.ts";

export const PROPHECY_COMMAND = "/prophecy";

export const prophecyCommand =
  (deps: SlackDeps): Middleware<SlackCommandMiddlewareArgs> =>
  async ({ command, ack, client }) => {
    const parsed = parseProphecyText(command.text ?? "");
    // Parsing is instant and pure: bad input, help and "busy" are answered in the acknowledgement itself.
    if (parsed.kind === "invalid") return ack(ephemeral(`${escapeSlack(parsed.problem)}\n\n${PROPHECY_USAGE}`));
    if (parsed.kind === "help") return ack(ephemeral(PROPHECY_USAGE));
    // The one in-flight limit, taken before anything is written: a shed ask writes nothing.
    const admission = parsed.kind === "prophecy" ? deps.oracle.admit() : null;
    if (parsed.kind === "prophecy" && !admission) {
      deps.log.debug({ surface: "slack" }, "busy: /prophecy refused");
      return ack(ephemeral(BUSY_MESSAGE));
    }
    if (parsed.kind === "prophecy") {
      // A temperature out of range or unknown words: refused in the acknowledgement, nothing written.
      try {
        await deps.oracle.checkAsk({ temperature: parsed.temperature, about: parsed.about });
      } catch (error) {
        admission?.release();
        if (describeError(error).kind === "bug") throw error;
        return ack(ephemeral(`${failureText(error)}\n\n${PROPHECY_USAGE}`));
      }
    }
    const received = await receiveThenAck(deps, ack, {
      kind: parsed.kind === "prophecy" ? "prophecy" : "history",
      userId: command.user_id,
      channel: command.channel_id,
      request:
        parsed.kind === "prophecy"
          ? { temperature: parsed.temperature, about: parsed.about, responseUrl: command.response_url }
          : { sort: parsed.sort, responseUrl: command.response_url },
    });
    if (!received) return admission?.release();
    const name =
      parsed.kind === "prophecy"
        ? PROPHECY_COMMAND
        : `${PROPHECY_COMMAND} ${parsed.sort === "reactions" ? "top" : "history"}`;
    await runReceived(deps, client, received, name, { admission, usage: `\n\n${PROPHECY_USAGE}` });
  };
