import { expect, it } from "vitest";
import { createModelVersion } from "../../core/db/model-versions.ts";
import type { VersionEvaluation } from "../../core/eval/index.ts";
import { describeEachDatabase, sampleModelVersion } from "../helpers/db.ts";
import { goodFigures, loopingFigures } from "../helpers/quality-figures.ts";
import { runOracle } from "../helpers/run-oracle.ts";

/** An evaluation with the loop figures: quatrains like issue 22's at T=1.0, fine at T=0.7 and 1.3. */
function loopingEvaluation(): VersionEvaluation {
  return {
    ...sampleModelVersion().evaluation!,
    quality: [
      goodFigures({ temperature: 0.7 }),
      loopingFigures({ temperature: 1 }),
      goodFigures({ temperature: 1.3, distinctBigramsAt: 3800 }),
    ],
    corpusQuality: goodFigures({ copiedMax: null, copiedMean: null, copiedWithinLimit: null }),
  };
}

/** As stored before the loop figures existed (issue 22): the kept figures only. */
const oldEvaluation = {
  ...sampleModelVersion().evaluation!,
  quality: [
    {
      temperature: 1,
      quatrains: 100,
      immediateRepeat: 0,
      noTerminalEnd: 0,
      badPunctuation: 0,
      copiedMax: 6,
      copiedMean: 3,
      copiedWithinLimit: 0.97,
      distinctBigramsPerQuatrain: 30,
      meanTokens: 36,
    },
  ],
  corpusQuality: { quatrains: 941, immediateRepeat: 0, noTerminalEnd: 0.012, badPunctuation: 0.003 },
} as unknown as VersionEvaluation;

describeEachDatabase("oracle models: the quality figures beside the corpus'", (getDb) => {
  const env = () => ({ DATABASE_URL: getDb().url, LOG_LEVEL: "" });

  it("shows every figure per temperature beside the corpus' value and the limit, old evaluations with —", async () => {
    const looping = await createModelVersion(getDb(), sampleModelVersion({ evaluation: loopingEvaluation() }));
    const old = await createModelVersion(getDb(), sampleModelVersion({ evaluation: oldEvaluation }));

    const record = await runOracle(["models", String(looping)], env());
    expect(record.code, record.stderr).toBe(0);
    const text = record.stdout;
    expect(text).toMatch(/^sampled quatrains \(the sampler's rules, no redraws\), beside the corpus' own$/m);
    expect(text).toContain("      T=0.7 200 · T=1 200 · T=1.3 200\n");
    expect(text).toContain(
      "  use of a top-10 content word, as a multiple of its corpus rate (worst) (limit at most 2.0× at T=1,\n    3.0× at T=0.7)\n",
    );
    expect(text).toContain('      corpus 1.0× "great" · T=0.7 1.2× "one" · T=1 6.0× "army" · T=1.3 1.2× "one"\n');
    expect(text).toMatch(/T=1 47\.0% "great one"\s+\(corpus 4\.9%\)/);
    expect(text).toMatch(
      /a 3-word sequence repeated inside the quatrain \(limit at most 5\.0% at T=1, 10\.0% at T=0\.7\)\n +corpus 3\.5% · T=0\.7 3\.5% · T=1 23\.0% · T=1\.3 3\.5%/,
    );
    expect(text).toMatch(
      /words per quatrain, mean ± sd \(corpus' range 22–45\)\n +corpus 31\.9 ± 3\.6 · T=0\.7 31\.9 ± 3\.6 · T=1 41\.0 ± 17\.8/,
    );
    expect(text).toMatch(
      /cut off at the token cap \(limit at most 2\.0% at T=1 and T=0\.7\)\n +corpus 0\.0% · T=0\.7 0\.0% · T=1 21\.0%/,
    );
    expect(text).toMatch(/distinct bigrams at 5,000 \(fewer where the quatrains have fewer: 5000, 5000, 3800\)/);
    expect(text).toMatch(/corpus 0\.79 · T=0\.7 0\.79 · T=1 0\.32 · T=1\.3 0\.79/);
    expect(
      text
        .trimEnd()
        .split("\n")
        .filter((l) => l.length > 100),
    ).toEqual([]);

    const before = (await runOracle(["models", String(old)], env())).stdout;
    expect(before).toMatch(/use of a top-10 content word.*\n.*T=0\.7\)\n +corpus — · T=1 —\n/);
    expect(before).toMatch(/ending with \. ! or \? \(limit at least 98\.0%\)\n +corpus 98\.8% · T=1 100\.0%\n/);
    expect(before).toMatch(
      /copying at most the copy limit's words in a row \(limit at least 95\.0%\)\n +corpus — · T=1 97\.0%\n/,
    );

    // The listing: how many limits each version's quatrains break ("—" before the figures existed), in 100 columns.
    const table = (await runOracle(["models"], env())).stdout.split("\n");
    expect(table[0]).toMatch(/ +copied +limits$/);
    expect(table.find((l) => l.includes(`v${looping} `))).toMatch(/ 7 off$/);
    expect(table.find((l) => l.includes(`v${old} `))).toMatch(/ —$/);
    expect(table.filter((l) => l.length > 100)).toEqual([]);

    // --json: every figure, the corpus' beside them.
    const json = JSON.parse((await runOracle(["models", String(looping), "--json"], env())).stdout) as {
      version: { evaluation: VersionEvaluation };
    };
    expect(json.version.evaluation.quality[1]).toMatchObject({
      temperature: 1,
      overuse: { word: "army", multiple: 6 },
      topPhrase: { phrase: "great one", share: 0.47, corpusShare: 0.049 },
      repeatedTrigram: 0.23,
      capped: 0.21,
      distinctBigrams: 0.32,
    });
    expect(json.version.evaluation.corpusQuality).toMatchObject({
      wordCountMin: 22,
      wordCountMax: 45,
      distinctBigrams: 0.79,
    });
  }, 60_000);
});
