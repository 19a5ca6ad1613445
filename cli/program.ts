import { readFileSync } from "node:fs";
import { Command } from "commander";
import { escapeControlCharacters } from "../config/text/escape.ts";
import type { CliContext } from "./context.ts";
import { setupCommand } from "./commands/setup.ts";
import { migrateCommand } from "./commands/migrate.ts";
import { trainCommand } from "./commands/train.ts";
import { prophecyCommand } from "./commands/prophecy.ts";
import { modelsCommand } from "./commands/models.ts";
import { configCommand } from "./commands/config.ts";
import { trainerCommand } from "./commands/trainer.ts";
import { botCommand } from "./commands/bot.ts";
import { serveCommand } from "./commands/serve.ts";
import { cancelCommand, jobsCommand, retrainCommand } from "./commands/jobs.ts";
import { promoteCommand, rollbackCommand } from "./commands/registry.ts";

const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
  version: string;
};

/** Keeps line breaks, escapes every other control character (commander quotes bad arguments as typed). */
const safeForTerminal = (s: string) => s.split("\n").map(escapeControlCharacters).join("\n");

/** The long-running commands: their log is their output, at LOG_LEVEL (info by default). */
const SERVICES = new Set(["serve", "trainer", "bot"]);

/** The `oracle` program: one sub-command per file in ./commands. */
export function buildProgram(ctx: CliContext): Command {
  const program = new Command("oracle")
    .description("The Nostradamus Oracle: train the quatrain model and prophesy from it")
    .version(version, "-V, --version", "print the version")
    .option("-v, --verbose", "log debug lines too (which tfjs backend runs and why others did not)")
    .exitOverride()
    .configureOutput({
      writeOut: (s) => ctx.stdout.write(s),
      writeErr: (s) => ctx.stderr.write(s),
      outputError: (s, write) => write(safeForTerminal(s)),
    })
    .showHelpAfterError("(run oracle --help for usage)")
    .hook("preAction", (root, action) => {
      ctx.verbose = Boolean(root.opts().verbose);
      ctx.service = SERVICES.has(action.name()) && action.parent === root;
    });
  for (const make of [
    setupCommand,
    migrateCommand,
    trainCommand,
    prophecyCommand,
    modelsCommand,
    serveCommand,
    trainerCommand,
    botCommand,
    retrainCommand,
    jobsCommand,
    cancelCommand,
    promoteCommand,
    rollbackCommand,
    configCommand,
  ])
    program.addCommand(make(ctx).copyInheritedSettings(program)); // output escaping and exit handling included
  return program;
}
