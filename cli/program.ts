import { Command } from "commander";
import type { CliContext } from "./context.ts";
import { setupCommand } from "./commands/setup.ts";
import { migrateCommand } from "./commands/migrate.ts";
import { trainCommand } from "./commands/train.ts";
import { prophecyCommand } from "./commands/prophecy.ts";
import { modelsCommand } from "./commands/models.ts";
import { configCommand } from "./commands/config.ts";
import { trainerCommand } from "./commands/trainer.ts";
import { botCommand } from "./commands/bot.ts";
import { cancelCommand, jobsCommand, retrainCommand } from "./commands/jobs.ts";
import { promoteCommand, rollbackCommand } from "./commands/registry.ts";

/** The `oracle` program: one sub-command per file in ./commands. */
export function buildProgram(ctx: CliContext): Command {
  const program = new Command("oracle")
    .description("The Nostradamus Oracle: train the quatrain model and prophesy from it")
    .exitOverride()
    .configureOutput({
      writeOut: (s) => ctx.stdout.write(s),
      writeErr: (s) => ctx.stderr.write(s),
    })
    .showHelpAfterError("(run oracle --help for usage)");
  for (const make of [
    setupCommand, migrateCommand, trainCommand, prophecyCommand, modelsCommand,
    trainerCommand, botCommand, retrainCommand, jobsCommand, cancelCommand, promoteCommand, rollbackCommand, configCommand,
  ]) program.addCommand(make(ctx));
  return program;
}
