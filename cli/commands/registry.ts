import { Command } from "commander";
import type { CliContext } from "../context.ts";
import { positiveInt } from "../options.ts";
import { promote, rollback } from "../../core/db/model-versions.ts";
import { checkReason } from "../../core/limits.ts";

/** `oracle promote VERSION`: make a stored version current (admins). */
export const promoteCommand = (ctx: CliContext) =>
  new Command("promote")
    .description("make a model version current")
    .argument("<version>", "model version", positiveInt("version"))
    .option("--reason <text>", "why (recorded on the promotion)", "promoted by hand")
    .option("--force", "promote a version the promotion gate rejected (recorded, and marked in oracle models)")
    .action(async (version: number, flags: { reason: string; force?: boolean }) => {
      checkReason(flags.reason);
      const promotion = await promote(await ctx.db(), version, ctx.user, flags.reason, { force: flags.force });
      if (promotion.alreadyCurrent) {
        ctx.stdout.write(
          `model version ${version} is already current: nothing changed, no promotion recorded${flags.reason === "promoted by hand" ? "" : " (the reason was not recorded)"}\n`,
        );
      } else {
        ctx.stdout.write(
          `model version ${version} is current${promotion.forced ? " (forced past the gate's rejection)" : ""}\n`,
        );
      }
    });

/** `oracle rollback`: back to the version that was current before. */
export const rollbackCommand = (ctx: CliContext) =>
  new Command("rollback").description("make the previously current model version current again").action(async () => {
    const version = await rollback(await ctx.db(), ctx.user);
    ctx.stdout.write(`rolled back: model version ${version} is current\n`);
  });
