// Registers the slash commands with Discord (what the guide's deploy-commands script does): to one
// guild when DISCORD_GUILD_ID is set (instant), else globally.
import { REST, Routes, type RESTGetCurrentApplicationResult } from "discord.js";
import type { Config } from "../../config/schema.ts";
import { UserError } from "../../core/errors.ts";
import type { Logger } from "../../core/logger.ts";
import { commandDefinitions } from "./commands/index.ts";

export function discordRest(config: Config): REST {
  const rest = new REST({ api: config.discord.apiUrl });
  if (config.discord.token) rest.setToken(config.discord.token);
  return rest;
}

export async function registerCommands(
  config: Config,
  rest: REST,
  log: Logger,
): Promise<{ scope: string; names: string[] }> {
  if (!config.discord.token) throw new UserError("Registering commands needs DISCORD_TOKEN (the bot's token).");
  const appId =
    config.discord.applicationId ??
    ((await rest.get(Routes.currentApplication())) as RESTGetCurrentApplicationResult).id;
  const body = commandDefinitions(config);
  const guild = config.discord.guildId;
  await rest.put(guild ? Routes.applicationGuildCommands(appId, guild) : Routes.applicationCommands(appId), { body });
  const scope = guild ? `guild ${guild}` : "global";
  log.info({ scope, commands: body.map((c) => c.name) }, `discord commands registered (${scope})`);
  return { scope, names: body.map((c) => c.name) };
}
