// npm run tune:table: prints the search's table (docs/tuning/results.jsonl and quality.jsonl) as
// Markdown, for docs/tuning.md and the README: the kept figures in one table, then each model's
// loop figures per temperature beside the corpus' own and the limits (lines written before the
// loop figures existed show "—" there).
import { readFile } from "node:fs/promises";
import { qualityRows, type StoredQualityFigures } from "../core/eval/index.ts";

interface Result {
  name: string;
  note: string;
  warmFrom?: string;
  model: {
    architecture?: string;
    phraseLength: number;
    units: number;
    layers?: number;
    tiedOutput?: boolean;
    dropout: number;
    recurrentDropout: number;
    l2: number;
  };
  training: { classWeightPower: number; learningRate: number; learningRateDecay?: number; threads: number };
  /** Runs since the sequence model: mean seconds per epoch and the load average at the end. */
  meanEpochSeconds?: number;
  loadAverage?: number[];
  epochsRun: number;
  bestEpoch: number;
  secondsToBest: number;
  perplexity: number;
  kneserNeyPerplexity: number;
  testPerplexity: number;
  testKneserNeyPerplexity: number;
  testTokens: number;
  testUnknownTokens: number;
}
interface Quality {
  model: string;
  rules: string;
  figures: (StoredQualityFigures & {
    temperature: number;
    immediateRepeat: number;
    noTerminalEnd: number;
    badPunctuation: number;
    copiedMax: number;
    copiedMean: number;
    copiedWithinLimit: number;
    distinctBigramsPerQuatrain: number;
    quatrains: number;
  })[];
  /** The corpus' own figures (tune:samples writes them since the loop figures). */
  corpus?: StoredQualityFigures;
}

const lines = async (path: string) =>
  (await readFile(path, "utf8").catch(() => ""))
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l));
const results = (await lines("docs/tuning/results.jsonl")) as Result[];
const quality = (await lines("docs/tuning/quality.jsonl")) as Quality[];
const f1 = (x: number) => x.toFixed(1);
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

console.log(
  "| run | settings | epochs (best) | minutes to best | s/epoch (load) | val ppl (KN-3) | test ppl (KN-3) | test ÷ KN |",
);
console.log("| --- | --- | --- | --- | --- | --- | --- | --- |");
for (const r of results) {
  const m = r.model;
  const decay =
    r.training.learningRateDecay && r.training.learningRateDecay !== 1 ? ` decay ${r.training.learningRateDecay}` : "";
  const settings =
    m.architecture === "sequence"
      ? `sequence H${m.units}×${m.layers ?? 1} ${m.tiedOutput ? "tied" : "untied"} drop ${m.dropout} lr ${r.training.learningRate}${decay}`
      : `${m.architecture === "window" ? "window " : ""}L${m.phraseLength} H${m.units} drop ${m.dropout}/${m.recurrentDropout} L2 ${m.l2} cw ${r.training.classWeightPower} lr ${r.training.learningRate}${r.warmFrom ? ` warm from ${r.warmFrom}` : ""}`;
  const beats = r.testPerplexity < r.testKneserNeyPerplexity ? " **beats KN**" : "";
  const speed = r.meanEpochSeconds ? `${f1(r.meanEpochSeconds)} (${r.loadAverage?.[0]?.toFixed(1) ?? "?"})` : "—";
  console.log(
    `| ${r.name} | ${settings} | ${r.epochsRun} (${r.bestEpoch}) | ${f1(r.secondsToBest / 60)} | ${speed} | ${f1(r.perplexity)} (${f1(r.kneserNeyPerplexity)}) | ${f1(r.testPerplexity)} (${f1(r.testKneserNeyPerplexity)})${beats} | ${(r.testPerplexity / r.testKneserNeyPerplexity).toFixed(2)} |`,
  );
}
const t = results[0];
if (t)
  console.log(
    `\nTest split: ${t.testTokens} tokens, ${t.testUnknownTokens} of them words the training part lacks (one unknown class for both models).`,
  );
console.log(
  "\n| model, sampler | T | repeated at once | no final . ! ? | doubled/leading punct. | copied run max / mean / ≤ 6 | distinct bigrams per quatrain |",
);
console.log("| --- | --- | --- | --- | --- | --- | --- |");
for (const q of quality) {
  for (const f of q.figures) {
    console.log(
      `| ${q.model}, rules ${q.rules} | ${f.temperature} | ${pct(f.immediateRepeat)} | ${pct(f.noTerminalEnd)} | ${pct(f.badPunctuation)} | ${f.copiedMax} / ${f.copiedMean.toFixed(1)} / ${pct(f.copiedWithinLimit)} | ${f1(f.distinctBigramsPerQuatrain)} |`,
    );
  }
}
for (const q of quality) {
  console.log(`\n**${q.model}, rules ${q.rules}**: the loop figures beside the corpus' own\n`);
  console.log(`| figure | corpus | ${q.figures.map((f) => `T=${f.temperature}`).join(" | ")} | limit |`);
  console.log(`| --- | --- | ${q.figures.map(() => "---").join(" | ")} | --- |`);
  for (const row of qualityRows(q.figures, q.corpus ?? null))
    console.log(`| ${row.figure} | ${row.corpus} | ${row.values.join(" | ")} | ${row.limit} |`);
}
