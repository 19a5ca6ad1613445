// /retrain [reason]: queue a training job (admins only); the channel hears how it ended.
import { InteractionContextType, PermissionFlagsBits, SlashCommandBuilder } from "discord.js";
import { UserError } from "../../../core/errors.ts";
import { LIMITS } from "../../../core/limits.ts";
import type { MessageCall } from "../call.ts";
import type { BotDeps } from "../../surface.ts";
import { isOracleAdmin } from "../admins.ts";
import { privateMessage } from "../messages.ts";
import { answer } from "../respond.ts";

export const data = () =>
  new SlashCommandBuilder()
    .setName("retrain")
    .setDescription("Retrain the oracle's model now (keepers only)")
    // Hidden from members without Manage Server; server owners can change that, so execute checks again.
    .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
    .setContexts(InteractionContextType.Guild)
    .addStringOption((o) =>
      o.setName("reason").setDescription("Why (shown in the job list)").setMaxLength(LIMITS.reason),
    );

export async function execute(call: MessageCall, deps: BotDeps): Promise<void> {
  if (!isOracleAdmin(call.invoker, deps.config.discord)) {
    throw new UserError("Only the oracle's keepers may retrain it.");
  }
  const reason = (call.options.get("reason") as string | undefined)?.trim() || "asked on Discord";
  const work = deps.oracle
    .requestRetrain({ surface: "discord", requestedBy: call.invoker.userId, channel: call.channelId, reason })
    .then((ticket) => privateMessage(`Retrain queued as job #${ticket.jobId}. This channel will hear when it ends.`));
  await answer(call, work, { ephemeral: true, deferAfterMs: deps.config.discord.deferAfterMs });
}
