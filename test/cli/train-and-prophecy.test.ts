import { expect, it } from "vitest";
import { describeEachDatabase } from "../helpers/db.ts";
import { hasStackTrace, runOracle } from "../helpers/run-oracle.ts";

/** What `oracle train --json` prints (the fields read here). */
interface TrainJson {
  [figure: string]: unknown;
  version: number;
  reason: string;
  epochSeconds: number[];
  evaluation: {
    testPerplexity: number;
    testKneserNeyPerplexity: number;
    testTokens: number;
    testUnknownTokens: number;
    quality: ({ temperature: number; overuse: { multiple: number }; topPhrase: { corpusShare: number } } & Record<
      string,
      unknown
    >)[];
    corpusQuality: unknown;
  };
}
/** What `oracle prophecy --json` prints. */
interface ProphecyJson {
  prophecies: { lines: string[]; seed: number; text: string }[];
}
/** What `oracle models --json` prints. */
interface ModelsJson {
  current: number;
  versions: { version: number }[];
  promotions: { version: number }[];
}

// The issue's walk-through, through the real CLI, on a slice of the corpus.
describeEachDatabase("oracle train / prophecy / models", (getDb) => {
  const env = () => ({ DATABASE_URL: getDb().url });

  it("says to train first when there is no model", async () => {
    const r = await runOracle(["prophecy"], env());
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/still learning/);
    expect(r.stderr).toMatch(/oracle train/);
    expect(hasStackTrace(r.stderr)).toBe(false);
  });

  it("trains version 1, prophesies from it, and a second train makes version 2 current", async () => {
    const first = await runOracle(["train", "--epochs", "1", "--max-documents", "40", "--json"], env());
    expect(first.code, first.stderr).toBe(0);
    const v1 = JSON.parse(first.stdout) as TrainJson;
    expect(v1).toMatchObject({ version: 1, epochs: 1, backend: "wasm", status: "accepted" });
    for (const key of ["loss", "valLoss", "valAcc", "vocabSize", "gloveCoverage"]) expect(v1[key]).toBeTypeOf("number");
    expect(v1.epochSeconds).toHaveLength(1);
    // Held-out test quatrains, both models on the same tokens, and the quality figures per temperature.
    expect(v1.evaluation.testPerplexity).toBeGreaterThan(1);
    expect(v1.evaluation.testKneserNeyPerplexity).toBeGreaterThan(1);
    expect(v1.evaluation.testTokens).toBeGreaterThan(v1.evaluation.testUnknownTokens);
    expect(v1.evaluation.quality.map((q) => q.temperature)).toEqual([0.7, 1, 1.3]);
    // The loop figures of each temperature, and the corpus' own beside them.
    for (const q of v1.evaluation.quality) {
      expect(q.overuse.multiple).toBeGreaterThan(0);
      expect(q.topPhrase.corpusShare).toBeGreaterThanOrEqual(0);
      for (const key of ["repeatedTrigram", "contentWordThrice", "inWordRange", "capped", "distinctBigrams"])
        expect(q[key]).toBeTypeOf("number");
    }
    expect(v1.evaluation.corpusQuality).toMatchObject({ inWordRange: 1, capped: 0, overuse: { multiple: 1 } });
    expect(first.stderr).toMatch(/epoch 1\/1: loss/); // plain progress lines when not a terminal

    const p = await runOracle(["prophecy", "--temperature", "1.2", "--json"], env());
    expect(p.code, p.stderr).toBe(0);
    const [prophecy] = (JSON.parse(p.stdout) as ProphecyJson).prophecies;
    expect(prophecy.lines).toHaveLength(4);
    expect(prophecy).toMatchObject({ temperature: 1.2, modelVersion: 1 });

    const second = await runOracle(["train", "--epochs", "1", "--max-documents", "40", "--json"], {
      ...env(),
      TRAINER_PROMOTION_TOLERANCE: "10",
    });
    expect(JSON.parse(second.stdout)).toMatchObject({ version: 2, status: "accepted" });
    const models = JSON.parse((await runOracle(["models", "--json"], env())).stdout) as ModelsJson;
    expect(models.current).toBe(2);
    expect(models.versions.map((v) => v.version)).toEqual([1, 2]);
    expect(models.promotions.map((p) => p.version)).toEqual([2, 1]);
    const listing = (await runOracle(["models"], env())).stdout;
    expect(listing).toMatch(/promotions, newest first:\n {2}v2 .* by \S+: /);
    // The full record of one version: the held-out perplexities and the quality figures, in words.
    const record = await runOracle(["models", "2"], env());
    expect(record.code, record.stderr).toBe(0);
    expect(record.stdout).toMatch(/^model version 2 \(current\)$/m);
    expect(record.stdout).toMatch(/held-out test +\d+\.\d \(trigram baseline \d+\.\d; \d+ of \d+ words unknown\)/);
    expect(record.stdout).toMatch(/^ +T=0\.7 5 · T=1 5 · T=1\.3 5$/m);
    expect(record.stdout).toMatch(
      /quatrains repeating a word at once \(limit at most 0\.0%\)\n +corpus 0\.0% · T=0\.7 0\.0% · /,
    );
    expect(record.stdout).toMatch(
      /words per quatrain, mean ± sd \(corpus' range \d+–\d+\)\n +corpus \d+\.\d ± \d+\.\d · T=0\.7 /,
    );
    const one: unknown = JSON.parse((await runOracle(["models", "1", "--json"], env())).stdout);
    expect(one).toMatchObject({ current: 2, version: { version: 1, isCurrent: false } });
    expect((await runOracle(["models", "9"], env())).stderr).toMatch(/There is no model version 9\./);
    // A normal run says only what it must: no backend line unless --verbose.
    expect(first.stderr).not.toMatch(/tfjs backend/);
  }, 180_000);

  it("keeps a model of another corpus out of service: rejected, marked, promoted only with --force", async () => {
    const other = await runOracle(["train", "--epochs", "1", "--max-documents", "30", "--json"], {
      ...env(),
      TRAINER_PROMOTION_TOLERANCE: "10",
    });
    expect(other.code, other.stderr).toBe(0);
    const v3 = JSON.parse(other.stdout) as TrainJson;
    expect(v3).toMatchObject({ version: 3, status: "rejected" });
    expect(v3.reason).toMatch(/trained on another corpus than current v2 .*not comparable/);

    const listed = await runOracle(["models"], env());
    expect(listed.stdout).toMatch(/^\* +v2 +current /m);
    expect(listed.stdout).toMatch(/^ +v3 +rejected /m);
    expect(listed.stdout).toMatch(/^v3 rejected: trained on another corpus/m);

    const refused = await runOracle(["promote", "3"], env());
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/Model version 3 was rejected by the promotion gate/);
    expect(refused.stderr).toMatch(/oracle promote 3 --force/);
    const forced = await runOracle(["promote", "3", "--force", "--reason", "new corpus on purpose"], env());
    expect(forced.stdout).toMatch(/model version 3 is current \(forced past the gate's rejection\)/);
    expect((await runOracle(["models"], env())).stdout).toMatch(/^\* +v3 +current, forced /m);

    const again = await runOracle(["promote", "3", "--reason", "x"], env());
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(
      /model version 3 is already current: nothing changed, no promotion recorded \(the reason was not recorded\)/,
    );

    const allowed = await runOracle(
      ["train", "--epochs", "1", "--max-documents", "40", "--allow-corpus-change", "--json"],
      env(),
    );
    expect(JSON.parse(allowed.stdout)).toMatchObject({ version: 4, status: "accepted" });
    expect((JSON.parse(allowed.stdout) as TrainJson).reason).toMatch(/--allow-corpus-change/);
  }, 240_000);

  it("prints no log line at the default level (--verbose shows them); the models table fits 100 columns", async () => {
    // LOG_LEVEL unset, as a person runs it (the helper sets warn for the other tests).
    const quiet = { ...env(), LOG_LEVEL: "" };
    const isLogLine = (line: string) => /^\{"level":|\b(INFO|DEBUG)\b/.test(line);
    const told = await runOracle(["prophecy"], quiet);
    expect(told.code, told.stderr).toBe(0);
    expect(told.stdout.split("\n").filter(isLogLine)).toEqual([]);
    expect(told.stderr).toBe("");
    expect(told.stdout).toMatch(/^(.+\n){4} {2}— model v\d+, T=1, seed -?\d+\n$/);
    const verbose = await runOracle(["--verbose", "prophecy"], quiet);
    expect(verbose.stderr).toMatch(/serving model version/);

    for (const args of [["models"], ["models", "1"]]) {
      const shown = await runOracle(args, quiet);
      expect(shown.code, shown.stderr).toBe(0);
      expect(shown.stderr).toBe("");
      const lines = shown.stdout.trimEnd().split("\n");
      expect(lines.filter(isLogLine)).toEqual([]);
      expect(lines.filter((l) => l.length > 100)).toEqual([]);
    }
    const table = (await runOracle(["models"], quiet)).stdout.split("\n");
    expect(table[0]).toMatch(
      /^ +version +status +trained \(UTC\) +epochs +val loss +test ppl +trigram +copied +limits$/,
    );
    expect(table[1]).toMatch(/^ +v1 +(accepted|rejected|current)/);
  }, 120_000);

  it("shows a spinner on a terminal while a cold prophecy loads, gone before the quatrain", async () => {
    const r = await runOracle(["prophecy"], { ...env(), LOG_LEVEL: "" }, { terminal: true });
    expect(r.code, r.stdout).toBe(0);
    const spinner = r.stdout.indexOf("Consulting the stars…");
    expect(spinner).toBeGreaterThanOrEqual(0);
    // Erased (cursor to column 1, clear the line) before the answer is printed.
    const answer = r.stdout.indexOf("— model v");
    expect(r.stdout.lastIndexOf("\u001b[0K", answer)).toBeGreaterThan(spinner);
    // Off a terminal (every other test here), no spinner at all.
    expect((await runOracle(["prophecy"], env())).stderr).not.toMatch(/Consulting/);
  }, 120_000);

  it("shows the backend choice with --verbose, and stores each quatrain's own seed", async () => {
    const r = await runOracle(["--verbose", "prophecy", "--count", "3", "--seed", "5", "--json"], env());
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/tfjs backend/);
    const seeds = (JSON.parse(r.stdout) as ProphecyJson).prophecies.map((p) => p.seed);
    expect(seeds[0]).toBe(5);
    const third = (JSON.parse(r.stdout) as ProphecyJson).prophecies[2];
    const again = await runOracle(["prophecy", "--seed", String(third.seed), "--json"], env());
    expect((JSON.parse(again.stdout) as ProphecyJson).prophecies[0].text).toBe(third.text);
    expect((await runOracle(["prophecy", "--seed", "5"], env())).stderr).not.toMatch(/tfjs backend/);
  }, 180_000);
});
