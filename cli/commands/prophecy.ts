import { Command } from "commander";
import type { CliContext } from "../context.ts";
import { anyInt, positiveInt } from "../options.ts";
import { loadConfig } from "../../config/schema.ts";
import { currentPromotionOf } from "../../core/db/model-versions.ts";
import { UserError } from "../../core/errors.ts";
import { stillLearning } from "../../core/prophecy/still-learning.ts";
import { parseTemperature } from "../../core/prophecy/temperature.ts";
import { withSpinner } from "../spinner.ts";

interface ProphecyFlags {
  temperature?: string;
  about?: string;
  count?: number;
  seed?: number;
  json?: boolean;
}

/** The sampling limits for the help text: the configured ones, or the defaults when the environment is bad. */
function samplingLimits(ctx: CliContext) {
  try {
    return ctx.config().sampling;
  } catch {
    return loadConfig({}).sampling;
  }
}

/** `oracle prophecy`: fresh quatrains from the current model. */
export const prophecyCommand = (ctx: CliContext) => {
  const limits = samplingLimits(ctx);
  return new Command("prophecy")
    .description("sample fresh quatrains from the current model")
    .option(
      "-t, --temperature <T>",
      `sampling temperature from ${limits.minTemperature} to ${limits.maxTemperature}, a plain decimal (default ${limits.defaultTemperature}; higher is wilder)`,
    )
    .option("--about <words>", "words the quatrain starts with (they must occur in the corpus)")
    .option("-n, --count <n>", `how many quatrains, 1 to ${limits.maxCount} (default 1)`, positiveInt("--count"))
    .option("--seed <n>", "seed for a reproducible draw (each quatrain's own seed is recorded)", anyInt("--seed"))
    .option("--json", "print JSON")
    .action(async (flags: ProphecyFlags) => {
      const config = ctx.config();
      // Cheap checks first: a bad argument or no model fails before tfjs loads.
      parseTemperature(flags.temperature, config.sampling);
      if (flags.count !== undefined && flags.count > config.sampling.maxCount) {
        throw new UserError(`--count must be from 1 to ${config.sampling.maxCount}; got ${flags.count}.`);
      }
      // A cold start loads tfjs and the model (seconds on a small machine): a spinner says so on a terminal.
      const prophecies = await withSpinner(
        ctx.stderr,
        "Consulting the stars…",
        async () => {
          const db = await ctx.db();
          // The serving core's own words, without loading tfjs to say them.
          if (!(await currentPromotionOf(db))) throw stillLearning();
          const [{ initBackend }, { createOracle }] = await Promise.all([
            import("../../core/tf/backend.ts"),
            import("../../core/oracle/oracle.ts"),
          ]);
          // Serving's backend (BOT_BACKEND); the choice is a debug line for a command (--verbose shows it).
          await initBackend(
            { preference: config.bot.backend, setting: "BOT_BACKEND", syncReads: true, logLevel: "debug" },
            ctx.log(),
          );
          const oracle = createOracle({ db, config, log: ctx.log(), watch: false });
          try {
            return await oracle.prophesy(
              { temperature: flags.temperature, about: flags.about, count: flags.count, seed: flags.seed },
              { surface: "cli", requestedBy: ctx.user },
            );
          } finally {
            await oracle.close();
          }
        },
        { enabled: !ctx.verbose },
      );
      if (flags.json) {
        ctx.stdout.write(
          `${JSON.stringify({ prophecies: prophecies.map((p) => ({ id: p.id, text: p.text, lines: p.lines, temperature: p.temperature, modelVersion: p.modelVersion, longestCopied: p.longestCopied, seed: p.seed })) })}\n`,
        );
      } else {
        ctx.stdout.write(
          prophecies
            .map((p) => `${p.lines.join("\n")}\n  — model v${p.modelVersion}, T=${p.temperature}, seed ${p.seed}`)
            .join("\n\n") + "\n",
        );
      }
    });
};
