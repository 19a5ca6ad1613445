import { Command } from "commander";
import type { CliContext } from "../context.ts";
import { registerCommandsCommand } from "./bot-register-commands.ts";

/** Sub-commands of `oracle bot` (e.g. `register-commands`), one line each. */
const BOT_SUBCOMMANDS: ((ctx: CliContext) => Command)[] = [registerCommandsCommand];

/** `oracle bot`: the long-running bot service (HTTP server, chat surfaces); a group for its sub-commands. */
export const botCommand = (ctx: CliContext) => {
  const command = new Command("bot")
    .description("run the bot service: /healthz, /readyz and every chat surface whose settings are present")
    .action(async () => {
      // Imported here: the bot loads tfjs, which every other command's cheap checks must not wait for.
      const { botProcess } = await import("../../app/bot.ts");
      await botProcess(ctx.config(), { log: ctx.log() });
      // SIGTERM/SIGINT drain, close and exit the process; until then it serves.
      await new Promise<never>(() => {});
    });
  for (const make of BOT_SUBCOMMANDS) command.addCommand(make(ctx));
  return command;
};
