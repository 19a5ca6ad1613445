// npm run tune:samples -- --model NAME [--rules on|off] [--count 200] [--show 12] [--show-temperatures 0.7,1,1.3]
// The quality figures (docs/tuning.md) of a model the search saved under data/tune/, at T=0.7, 1.0
// and 1.3 over --count quatrains each, beside the corpus' own figures and the limits (a Markdown
// table), and --show quatrains at each of --show-temperatures (default 1.0; seeds 1..show) with their longest copied run. --rules off
// samples as the oracle did before the sampler's rules (no truncation, no constraints). Appends the
// figures, the corpus' with them, to docs/tuning/quality.jsonl (npm run tune:table prints them all).
import { appendFile, readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { loadConfig } from "../config/schema.ts";
import { formatQuatrain, readCorpus } from "../core/corpus/index.ts";
import { corpusProfile, qualityFigures, qualityRows } from "../core/eval/index.ts";
import {
  buildCopyIndex,
  importModel,
  longestCopiedRun,
  NO_RULES,
  sampleTokens,
  samplingVocabulary,
  seededRandom,
} from "../core/model/index.ts";
import { initBackend } from "../core/tf/backend.ts";
import { fastSamplerFor } from "../core/tf/sampler.ts";
import { EVAL_TEMPERATURES } from "../core/training/evaluate-version.ts";
import { prepareCorpus } from "../core/training/prepare-corpus.ts";

const { values } = parseArgs({
  options: {
    model: { type: "string" },
    rules: { type: "string", default: "on" },
    count: { type: "string", default: "200" },
    show: { type: "string", default: "12" },
    "show-temperatures": { type: "string", default: "1" },
  },
});
const config = loadConfig(process.env);
await initBackend({ preference: config.training.backend });
const prepared = prepareCorpus(await readCorpus(config.corpus.path));
const saved = JSON.parse(await readFile(`data/tune/${values.model}.json`, "utf8")) as {
  topology: object;
  weightSpecs: object[];
  vocabulary: string[];
};
if (saved.vocabulary.join("\n") !== prepared.vocabulary.words.join("\n"))
  throw new Error("the saved model's vocabulary is not this corpus'");
const model = await importModel({ ...saved, weights: new Uint8Array(await readFile(`data/tune/${values.model}.bin`)) });
const scorer = fastSamplerFor(model);
const vocabulary = samplingVocabulary(prepared.vocabulary.words, prepared.docsAsIds);
const rules = values.rules === "off" ? NO_RULES : config.sampling;
const copyIndex = buildCopyIndex(prepared.docsAsIds);
const s = config.sampling;
const draw = (temperature: number, seed: string) =>
  sampleTokens(scorer, {
    temperature,
    minWords: s.minWords,
    maxWords: s.maxWords,
    rules,
    vocabulary,
    random: seededRandom(seed),
  });
const count = Number(values.count);
const classes = { words: prepared.vocabulary.words, punctuation: vocabulary.punctuation };
// The length at which sampleTokens stopped a quatrain (one short of the cap when it closes with a full stop).
const tokenCap = rules.endOnTerminal && vocabulary.fullStop >= 0 ? s.maxWords - 1 : s.maxWords;
const common = { ...classes, terminal: vocabulary.terminal, maxCopiedWords: s.maxCopiedWords, tokenCap };
const corpus = qualityFigures(prepared.docsAsIds, common);
const profile = corpusProfile(prepared.docsAsIds, classes);
const figures = [];
for (const temperature of EVAL_TEMPERATURES) {
  const quatrains: number[][] = [];
  for (let from = 0; from < count; from += 32) {
    quatrains.push(
      ...(await Promise.all(
        Array.from({ length: Math.min(32, count - from) }, (_, k) =>
          draw(temperature, `quality:${temperature}:${from + k}`),
        ),
      )),
    );
  }
  figures.push(
    qualityFigures(quatrains, {
      ...common,
      corpus: profile,
      temperature,
      longestCopiedRun: (ids) => longestCopiedRun(copyIndex, ids),
    }),
  );
}
const line = { model: values.model, rules: values.rules, figures, corpus, finishedAt: new Date().toISOString() };
await appendFile("docs/tuning/quality.jsonl", `${JSON.stringify(line)}\n`);
console.log(`| figure | corpus | ${figures.map((f) => `T=${f.temperature}`).join(" | ")} | limit |`);
console.log(`| --- | --- | ${figures.map(() => "---").join(" | ")} | --- |`);
for (const row of qualityRows(figures, corpus))
  console.log(`| ${row.figure} | ${row.corpus} | ${row.values.join(" | ")} | ${row.limit} |`);
for (const temperature of values["show-temperatures"].split(",").map(Number)) {
  console.log(`\n### T = ${temperature}`);
  for (let seed = 1; seed <= Number(values.show); seed++) {
    // T = 1.0 keeps the seeds it always had (seed N is the string "N").
    const ids = await draw(temperature, temperature === 1 ? String(seed) : `${temperature}:${seed}`);
    const { lines } = formatQuatrain(
      ids.map((id) => prepared.vocabulary.words[id]),
      prepared.casing,
    );
    console.log(
      `\n**seed ${seed}** (longest copied run ${longestCopiedRun(copyIndex, ids)})\n\n${lines
        .filter(Boolean)
        .map((l) => `> ${l}`)
        .join("  \n")}`,
    );
  }
}
scorer.dispose();
process.exit(0);
