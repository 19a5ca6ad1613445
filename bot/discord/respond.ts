// Discord's 3-second rule in one place: answer at once when the work is quick, defer otherwise;
// and the one way errors become replies (a UserError privately, a bug as the generic apology).
import type { Logger } from "../../core/logger.ts";
import { publicError } from "../errors.ts";
import type { MessageBody, MessageCall, PostedMessage } from "./call.ts";
import { privateMessage } from "./messages.ts";

/**
 * Replies with `work`'s message if it is ready within `deferAfterMs`, else defers (publicly or
 * privately, as the final message will be) and edits the deferral once it is.
 */
export async function answer(
  call: MessageCall,
  work: Promise<MessageBody>,
  opts: { ephemeral: boolean; deferAfterMs: number },
): Promise<PostedMessage | null> {
  let timer: NodeJS.Timeout | undefined;
  const slow = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), opts.deferAfterMs);
  });
  try {
    const quick = await Promise.race([work.then((body) => ({ body })), slow]);
    if (quick) return await call.reply(quick.body);
  } finally {
    clearTimeout(timer);
  }
  await call.defer(opts.ephemeral);
  return call.editReply(await work);
}

/**
 * Tells the user what went wrong, privately, whatever state the interaction is in; never throws.
 * Operators' hints stay in the log and the CLI: chat users get the message alone.
 */
export async function answerError(call: MessageCall, error: unknown, log: Logger): Promise<void> {
  const pe = publicError(error);
  const body = privateMessage(pe.message);
  try {
    if (call.state === "none") await call.reply(body);
    else if (call.state === "deferred-private") await call.editReply(body);
    else if (call.state === "deferred-public") {
      // A public "thinking…" cannot turn private: remove it and say it privately.
      await call.deleteReply().catch(() => {});
      await call.followUp(body);
    } else await call.followUp(body);
  } catch (err) {
    log.warn({ err, command: call.name }, "could not tell the user about an error");
  }
}
