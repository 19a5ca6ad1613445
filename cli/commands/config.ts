import { Command } from "commander";
import type { CliContext } from "../context.ts";
import { describeSpec, type Spec } from "../../config/define.ts";
import { spec, type Config } from "../../config/schema.ts";
import { redactUrl } from "../../core/db/provider.ts";

/** The effective settings as they may be shown: secrets as "***", passwords in URLs too. */
function redactedConfig(config: Config, settings: Spec = spec): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [group, keys] of Object.entries(settings)) {
    out[group] = {};
    for (const [key, s] of Object.entries(keys)) {
      const value = (config as unknown as Record<string, Record<string, unknown>>)[group]?.[key];
      out[group][key] = s.secret && value !== undefined ? "***" : typeof value === "string" ? redactUrl(value) : value;
    }
  }
  return out;
}

/** `oracle config`: the effective settings (secrets redacted), or the table of every setting. */
export const configCommand = (ctx: CliContext) =>
  new Command("config")
    .description(
      "print the effective configuration, tokens and passwords redacted (or, with --docs, every setting with its variable and default)",
    )
    .option("--docs", "print the settings table (Markdown)")
    .action((flags: { docs?: boolean }) => {
      ctx.stdout.write(
        flags.docs ? `${describeSpec(spec)}\n` : `${JSON.stringify(redactedConfig(ctx.config()), null, 2)}\n`,
      );
    });
