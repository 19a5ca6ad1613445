import { afterAll, beforeAll, expect, it } from "vitest";
import { tokenize } from "../../../core/corpus/index.ts";
import { promote, rollback } from "../../../core/db/model-versions.ts";
import { listProphecies, recordProphecy } from "../../../core/db/prophecies.ts";
import { UserError } from "../../../core/errors.ts";
import { longestCopiedRun } from "../../../core/model/index.ts";
import { silentLogger } from "../../../core/logger.ts";
import { databaseModelSource } from "../../../core/prophecy/database-model-source.ts";
import type { ModelSource } from "../../../core/prophecy/loaded-model.ts";
import { prophesy, type ProphecySettings } from "../../../core/prophecy/prophesy.ts";
import { initBackend } from "../../../core/tf/backend.ts";
import { trainVersion } from "../../../core/training/train-version.ts";
import { testConfig } from "../../helpers/config.ts";
import { describeEachDatabase } from "../../helpers/db.ts";

const settings: ProphecySettings = {
  minTemperature: 0.1,
  maxTemperature: 2,
  defaultTemperature: 1,
  minWords: 12,
  maxWords: 60,
  maxCopiedWords: 6,
  maxRedraws: 10,
  maxCount: 5,
  topK: 40,
  topP: 0.95,
  noImmediateRepeat: true,
  punctuationRules: true,
  endOnTerminal: true,
};

describeEachDatabase("prophesy before any training", (getDb) => {
  it("tells the user to train first", async () => {
    const models = databaseModelSource(getDb());
    await expect(prophesy({ models, settings })).rejects.toThrow(UserError);
    await expect(prophesy({ models, settings })).rejects.toThrow(/still learning/);
  });
});

describeEachDatabase("prophesy", (getDb) => {
  let models: ModelSource;
  let first: number;
  const train = async () => {
    const config = testConfig(getDb().url, { trainer: { promotionTolerance: 10, evalSamples: 0 } });
    return (await trainVersion({ db: getDb(), config, log: silentLogger }, { maxDocuments: 30 })).version!;
  };

  beforeAll(async () => {
    await initBackend({ preference: "wasm" });
    first = await train();
    models = databaseModelSource(getDb());
  });
  afterAll(async () => {
    await models?.close();
  });

  it("answers with four-line quatrains from the current model at the asked temperature", async () => {
    const result = await prophesy({ models, settings }, { temperature: "1.2", count: 3 });
    const loaded = await models.current();
    expect(result).toHaveLength(3);
    for (const p of result) {
      expect(p.lines).toHaveLength(4);
      expect(p.text).toBe(p.lines.join("\n"));
      expect(p.lines.every((line) => line.trim().length > 0)).toBe(true);
      expect(tokenize(p.text).length).toBeGreaterThanOrEqual(12);
      expect(p).toMatchObject({ temperature: 1.2, modelVersion: first });
      // The recorded run is the one the quatrain's own words give, and every word comes from the corpus.
      const ids = tokenize(p.text).map((t) => loaded.index.get(t)!);
      expect(p.longestCopied).toBe(longestCopiedRun(loaded.copyIndex, ids));
      expect(p.longestCopied).toBeGreaterThanOrEqual(1);
    }
  });

  it("is reproducible with a seed", async () => {
    const a = await prophesy({ models, settings }, { seed: 11, count: 2 });
    const b = await prophesy({ models, settings }, { seed: 11, count: 2 });
    const c = await prophesy({ models, settings }, { seed: 12, count: 2 });
    expect(b.map((p) => p.text)).toEqual(a.map((p) => p.text));
    expect(c.map((p) => p.text)).not.toEqual(a.map((p) => p.text));
  });

  it("starts with the words it is asked about", async () => {
    const [p] = await prophesy({ models, settings }, { about: "The great king", seed: 3 });
    expect(tokenize(p.text).slice(0, 3)).toEqual(["the", "great", "king"]);
    expect(p.about).toBe("The great king");
  });

  it("names words outside the vocabulary", async () => {
    await expect(prophesy({ models, settings }, { about: "the xylophone king" })).rejects.toThrow(/"xylophone"/);
  });

  it("lists a few unknown words and how many more, escaped", async () => {
    const many = Array.from({ length: 15_000 }, (_, i) => `zzq${i}`).join(" ");
    const error = await prophesy({ models, settings }, { about: many }).catch((e: unknown) => e as UserError);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toMatch(
      /"zzq0", "zzq1", .* … and 14990 more: starting words must come from its corpus/,
    );
    expect((error as UserError).message.length).toBeLessThan(400);
    const hostile = await prophesy({ models, settings }, { about: "fire\x01\x1b[31mblood\x07" }).catch(
      (e: unknown) => e as UserError,
    );
    expect((hostile as UserError).message).not.toMatch(/[\x00-\x1f\x7f]/);
    expect((hostile as UserError).message).toMatch(/\\x1b/);
  });

  it("records on each quatrain the seed that draws it again", async () => {
    const recorded: number[] = [];
    const many = await prophesy(
      {
        models,
        settings,
        onProphecy: async (p) => {
          recorded.push((await recordProphecy(getDb(), { ...p, surface: "cli" })).id);
        },
      },
      { count: 3, seed: 77, temperature: 1.3 },
    );
    expect(many[0].seed).toBe(77);
    expect(new Set(many.map((p) => p.seed)).size).toBe(3);
    const rows = (await listProphecies(getDb(), { limit: 3 })).prophecies;
    for (const p of many) {
      // The stored seed, alone, gives the same quatrain back.
      const row = rows.find((r) => r.text === p.text && r.seed === p.seed);
      expect(row, `row for seed ${p.seed}`).toBeDefined();
      const [again] = await prophesy({ models, settings }, { seed: row!.seed!, temperature: 1.3 });
      expect(again.text).toBe(p.text);
    }
    // Without a seed asked for, the one used is still stored.
    const [free] = await prophesy({ models, settings });
    expect(free.seed).toBeTypeOf("number");
    expect((await prophesy({ models, settings }, { seed: free.seed }))[0].text).toBe(free.text);
  });

  it("rejects bad temperatures and counts with user errors", async () => {
    await expect(prophesy({ models, settings }, { temperature: "hot" })).rejects.toThrow(UserError);
    await expect(prophesy({ models, settings }, { temperature: 9 })).rejects.toThrow(/between 0.1 and 2/);
    await expect(prophesy({ models, settings }, { count: 6 })).rejects.toThrow(/from 1 to 5/);
    await expect(prophesy({ models, settings }, { count: 1.5 })).rejects.toThrow(UserError);
  });

  it("redraws quatrains that copy too much, a bounded number of times", async () => {
    // Every token occurs in the corpus, so a limit of 0 can never be met: all redraws are spent.
    const strict = await prophesy({ models, settings: { ...settings, maxCopiedWords: 0, maxRedraws: 3 } }, { seed: 5 });
    expect(strict[0]).toMatchObject({ redraws: 3 });
    expect(strict[0].longestCopied).toBeGreaterThanOrEqual(1);
    const lenient = await prophesy({ models, settings: { ...settings, maxCopiedWords: 1000 } }, { seed: 5 });
    expect(lenient[0].redraws).toBe(0);
  });

  it("hands every prophecy to onProphecy, which records the history", async () => {
    const result = await prophesy(
      {
        models,
        settings,
        onProphecy: async (p) => {
          await recordProphecy(getDb(), { ...p, surface: "cli", requestedBy: "tester" });
        },
      },
      { count: 2, seed: 9 },
    );
    const page = await listProphecies(getDb(), { limit: 2 });
    expect(page.prophecies.map((p) => p.text).sort()).toEqual(result.map((p) => p.text).sort());
    expect(page.prophecies[0]).toMatchObject({ surface: "cli", requestedBy: "tester", modelVersion: first });
  });

  it("follows promotions and rollbacks without a restart", async () => {
    const second = await train();
    await promote(getDb(), second, "tester", "test");
    expect((await prophesy({ models, settings }))[0].modelVersion).toBe(second);
    await rollback(getDb(), "tester");
    expect((await prophesy({ models, settings }))[0].modelVersion).toBe(first);
  });
});
