import { Command } from "commander";
import type { CliContext } from "../context.ts";
import { runBot } from "../../bot/main.ts";

/** Sub-commands of `oracle bot` (e.g. `register-commands`), one line each. */
const BOT_SUBCOMMANDS: ((ctx: CliContext) => Command)[] = [
];

/** `oracle bot`: the long-running bot service (HTTP server, chat surfaces); a group for its sub-commands. */
export const botCommand = (ctx: CliContext) => {
  const command = new Command("bot")
    .description("run the bot service: /healthz, /readyz and every chat surface whose settings are present")
    .action(async () => {
      await runBot(ctx.config(), { log: ctx.log() });
      // SIGTERM/SIGINT drain, close and exit the process; until then it serves.
      await new Promise<never>(() => {});
    });
  for (const make of BOT_SUBCOMMANDS) command.addCommand(make(ctx));
  return command;
};
