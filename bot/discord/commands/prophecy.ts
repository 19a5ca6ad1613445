// /prophecy [temperature] [about]: a fresh quatrain in the channel.
import { SlashCommandBuilder } from "discord.js";
import type { Config } from "../../../config/schema.ts";
import type { AutocompleteCall, MessageCall } from "../call.ts";
import type { CommandScope } from "../../command-log.ts";
import type { BotDeps } from "../../surface.ts";
import { postProphecy } from "../post-prophecy.ts";

export const data = (config: Config) =>
  new SlashCommandBuilder()
    .setName("prophecy")
    .setDescription("A fresh quatrain from the oracle")
    .addNumberOption((o) =>
      o
        .setName("temperature")
        .setDescription(
          `How wild: ${config.sampling.minTemperature} is safe and repetitive, ${config.sampling.maxTemperature} is wild (default ${config.sampling.defaultTemperature})`,
        )
        .setMinValue(config.sampling.minTemperature)
        .setMaxValue(config.sampling.maxTemperature),
    )
    .addStringOption((o) =>
      o.setName("about").setDescription("The words the quatrain starts with").setMaxLength(100).setAutocomplete(true),
    );

export async function execute(call: MessageCall, deps: BotDeps, scope: CommandScope): Promise<void> {
  await postProphecy(call, deps, scope, {
    temperature: call.options.get("temperature") as number | undefined,
    about: call.options.get("about") as string | undefined,
  });
}

/** Completes the last word being typed from the current model's vocabulary. */
export async function autocomplete(call: AutocompleteCall, deps: BotDeps): Promise<void> {
  const typed = call.focused.value.slice(0, 100);
  const cut = typed.lastIndexOf(" ") + 1;
  const head = typed.slice(0, cut);
  const words = await deps.oracle.suggestWords(typed.slice(cut).toLowerCase(), 25);
  await call.respond(
    words
      .map((w) => `${head}${w}`)
      .filter((v) => v.length <= 100)
      .map((v) => ({ name: v, value: v })),
  );
}
