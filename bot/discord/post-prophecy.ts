// /prophecy and the "Another one" button share this: ask the oracle, answer in time, then tie the
// posted message to the prophecy so reactions on it are counted. Past the core's one in-flight limit
// the oracle throws BusyError at once, which answerError tells the user privately ("busy").
import type { ProphecyAsk } from "../../core/oracle/types.ts";
import type { CommandScope } from "../command-log.ts";
import type { BotDeps } from "../surface.ts";
import type { MessageCall } from "./call.ts";
import { prophecyMessage } from "./messages.ts";
import { answer } from "./respond.ts";

export async function postProphecy(
  call: MessageCall,
  deps: BotDeps,
  scope: CommandScope,
  ask: ProphecyAsk,
): Promise<void> {
  const work = deps.oracle
    .prophesy({ ...ask, count: 1 }, { surface: "discord", requestedBy: call.invoker.userId, channel: call.channelId })
    .then(([p]) => {
      scope.prophecy(p.id);
      return p;
    });
  const posted = await answer(call, work.then(prophecyMessage), {
    ephemeral: false,
    deferAfterMs: deps.config.discord.deferAfterMs,
  });
  const prophecy = await work;
  if (!posted) {
    deps.log.warn(
      { prophecyId: prophecy.id },
      "Discord did not say which message carries the prophecy; its reactions will not count",
    );
    return;
  }
  // The user has the quatrain already: a failure here costs reaction logging, not the answer.
  await deps.oracle.attachMessage(prophecy.id, posted.id, posted.channelId ?? call.channelId).catch((err: unknown) => {
    deps.log.error(
      { err, prophecyId: prophecy.id, messageId: posted.id },
      "could not record which message carries the prophecy",
    );
  });
}
