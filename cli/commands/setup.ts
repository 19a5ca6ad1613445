import { Command } from "commander";
import type { CliContext } from "../context.ts";
import { fetchCorpus } from "../../core/setup/fetch-corpus.ts";

/** `oracle setup`: fetch and verify the corpus, create and migrate the database. */
export const setupCommand = (ctx: CliContext) =>
  new Command("setup")
    .description("fetch the corpus (checked against its sha256) and prepare the database")
    .option(
      "--from <source>",
      "URL or local file to take the corpus from (default: CORPUS_URL, the Nostradamus quatrains)",
    )
    .option("--sha256 <hex>", "expected sha256 of the corpus (default: CORPUS_SHA256)")
    .action(async (opts: { from?: string; sha256?: string }) => {
      const config = ctx.config();
      const corpus = await fetchCorpus({
        dest: config.corpus.path,
        source: opts.from ?? config.corpus.url,
        sha256: opts.sha256?.toLowerCase() ?? config.corpus.sha256,
      });
      ctx.stdout.write(`corpus: ${corpus.path} (${corpus.bytes} bytes, sha256 ${corpus.sha256}, ${corpus.obtained})\n`);
      const db = await ctx.db();
      ctx.stdout.write(`database: ${db.provider} ready\n`);
    });
