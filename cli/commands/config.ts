import { Command } from "commander";
import type { CliContext } from "../context.ts";
import { describeSpec } from "../../config/define.ts";
import { spec } from "../../config/schema.ts";

/** `oracle config`: the effective settings, or the table of every setting. */
export const configCommand = (ctx: CliContext) =>
  new Command("config")
    .description("print the effective configuration (or, with --docs, every setting with its variable and default)")
    .option("--docs", "print the settings table (Markdown)")
    .action((flags: { docs?: boolean }) => {
      ctx.stdout.write(flags.docs ? `${describeSpec(spec)}\n` : `${JSON.stringify(ctx.config(), null, 2)}\n`);
    });
