// /model: the version serving, when it was trained, how good it is.
import { SlashCommandBuilder } from "discord.js";
import { UserError } from "../../../core/errors.ts";
import type { MessageCall } from "../call.ts";
import type { BotDeps } from "../../surface.ts";
import { modelMessage } from "../messages.ts";
import { answer } from "../respond.ts";

export const data = () =>
  new SlashCommandBuilder().setName("model").setDescription("The model the oracle prophesies from");

export async function execute(call: MessageCall, deps: BotDeps): Promise<void> {
  const work = deps.oracle.currentModel().then((m) => {
    if (!m) throw new UserError("The oracle has no model yet; the trainer makes the first one.");
    return modelMessage(m);
  });
  await answer(call, work, { ephemeral: true, deferAfterMs: deps.config.discord.deferAfterMs });
}
