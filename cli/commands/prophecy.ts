import { Command } from "commander";
import type { CliContext } from "../context.ts";
import { anyInt, positiveInt } from "../options.ts";
import { createOracle } from "../../core/oracle/oracle.ts";

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
      const oracle = createOracle({ db: await ctx.db(), config: ctx.config(), log: ctx.log(), watch: false });
      try {
        const prophecies = await oracle.prophesy(
          { temperature: flags.temperature, about: flags.about, count: flags.count, seed: flags.seed },
          { surface: "cli", requestedBy: ctx.user },
        );
        if (flags.json) {
          ctx.stdout.write(`${JSON.stringify({ prophecies: prophecies.map((p) => ({ id: p.id, text: p.text, lines: p.lines, temperature: p.temperature, modelVersion: p.modelVersion, longestCopied: p.longestCopied, seed: p.seed })) })}\n`);
        } else {
          ctx.stdout.write(prophecies.map((p) => `${p.lines.join("\n")}\n  — model v${p.modelVersion}, T=${p.temperature}`).join("\n\n") + "\n");
        }
      } finally {
        await oracle.close();
      }
    });
