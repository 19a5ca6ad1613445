// Every slash command and button, by name (one file each, as the discord.js guide keeps them).
import type { Config } from "../../../config/schema.ts";
import type { ButtonHandler, SlashCommand } from "../call.ts";
import { anotherOne } from "../buttons/another-one.ts";
import * as history from "./history.ts";
import * as model from "./model.ts";
import * as prophecy from "./prophecy.ts";
import * as retrain from "./retrain.ts";

export const commands = new Map<string, SlashCommand>([
  ["prophecy", prophecy],
  ["retrain", retrain],
  ["history", history],
  ["model", model],
]);

/** The commands as Discord registers them (names checked against the map's keys by the tests). */
export const commandDefinitions = (config: Config) => [...commands.values()].map((c) => c.data(config).toJSON());

export const buttons: ButtonHandler[] = [anotherOne];
