import { Command } from "commander";
import type { CliContext } from "../context.ts";

/** `oracle bot register-commands`: the slash commands to Discord, alone (the guide's deploy script). */
export const registerCommandsCommand = (ctx: CliContext) =>
  new Command("register-commands")
    .description("register the Discord slash commands (to DISCORD_GUILD_ID if set, else globally) and exit")
    .action(async () => {
      const config = ctx.config();
      // Imported here, like the bot itself: other commands' cheap checks must not load discord.js.
      const { discordRest, registerCommands } = await import("../../bot/discord/register.ts");
      const { scope, names } = await registerCommands(config, discordRest(config), ctx.log());
      ctx.stdout.write(`Registered ${names.map((n) => `/${n}`).join(", ")} (${scope}).\n`);
    });
