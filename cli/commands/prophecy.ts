import { Command } from "commander";
import type { CliContext } from "../context.ts";
import { anyInt, positiveInt } from "../options.ts";
import { recordProphecy } from "../../core/db/prophecies.ts";
import { initBackend } from "../../core/tf/backend.ts";
import { databaseModelSource } from "../../core/prophecy/database-model-source.ts";
import { prophesy } from "../../core/prophecy/prophesy.ts";

interface ProphecyFlags {
  temperature?: string;
  about?: string;
  count?: number;
  seed?: number;
  json?: boolean;
}

/** `oracle prophecy`: fresh quatrains from the current model. */
export const prophecyCommand = (ctx: CliContext) =>
  new Command("prophecy")
    .description("sample fresh quatrains from the current model")
    .option("-t, --temperature <T>", "sampling temperature (higher is wilder)")
    .option("--about <words>", "words the quatrain starts with")
    .option("-n, --count <n>", "how many quatrains", positiveInt("--count"))
    .option("--seed <n>", "seed for a reproducible draw", anyInt("--seed"))
    .option("--json", "print JSON")
    .action(async (flags: ProphecyFlags) => {
      const config = ctx.config();
      const db = await ctx.db();
      await initBackend({ preference: config.training.backend }, ctx.log());
      const models = databaseModelSource(db);
      try {
        const prophecies = await prophesy({
          models,
          settings: { ...config.sampling },
          onProphecy: async (p) => { await recordProphecy(db, { ...p, surface: "cli", requestedBy: ctx.user }); },
        }, { temperature: flags.temperature, about: flags.about, count: flags.count, seed: flags.seed });
        if (flags.json) {
          ctx.stdout.write(`${JSON.stringify({ prophecies: prophecies.map((p) => ({ text: p.text, lines: p.lines, temperature: p.temperature, modelVersion: p.modelVersion, longestCopied: p.longestCopied })) })}\n`);
        } else {
          ctx.stdout.write(prophecies.map((p) => `${p.lines.join("\n")}\n  — model v${p.modelVersion}, T=${p.temperature}`).join("\n\n") + "\n");
        }
      } finally {
        await models.close();
      }
    });
