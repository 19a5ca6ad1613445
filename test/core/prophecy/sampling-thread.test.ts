// Issue 20: quatrains drawn on sampling threads are the ones the serving thread would draw (the
// same seed, the same quatrain), and threads that die mid-request cost no request.
import { afterAll, beforeAll, expect, it } from "vitest";
import { getModelVersion, currentModelVersion } from "../../../core/db/model-versions.ts";
import { silentLogger } from "../../../core/logger.ts";
import { loadModel } from "../../../core/prophecy/load-model.ts";
import type { LoadedModel, ProphecySettings } from "../../../core/prophecy/loaded-model.ts";
import { drawQuatrains } from "../../../core/prophecy/prophesy.ts";
import { samplingThreads, type SamplingThreads, type ThreadedModel } from "../../../core/prophecy/sampling-thread.ts";
import { fastSamplerFor } from "../../../core/tf/sampler.ts";
import { trainTinyModel } from "../../bot/web/fixture.ts";
import { freshDatabase } from "../../helpers/db.ts";

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

let fresh: Awaited<ReturnType<typeof freshDatabase>>;
let here: LoadedModel;
let pool: SamplingThreads;
let threaded: ThreadedModel;

beforeAll(async () => {
  fresh = await freshDatabase("sqlite");
  await trainTinyModel(fresh.db);
  const version = (await currentModelVersion(fresh.db))!.version;
  const record = (await getModelVersion(fresh.db, version, { withWeights: true, withCorpusIds: true }))!;
  here = await loadModel(record, (m) => fastSamplerFor(m, { helperThread: false }));
  pool = samplingThreads(2, silentLogger)!;
  threaded = pool.attach(await loadModel(record, (m) => fastSamplerFor(m)), record);
}, 120_000);
afterAll(async () => {
  threaded?.dispose();
  await pool?.close();
  here?.dispose();
  await fresh?.drop();
});

it("draws on its two threads the quatrains this thread draws for the same seeds, concurrent asks included", async () => {
  expect(await threaded.threadsReady).toEqual([true, true]);
  const asks = [1, 2, 3, 4, 5, 6].map((seed) => ({
    temperature: 1.1,
    count: seed % 3 === 0 ? 3 : 1,
    prefix: [],
    seed,
  }));
  const local = await Promise.all(asks.map((a) => drawQuatrains(here, settings, a)));
  const remote = await Promise.all(asks.map((a) => threaded.draw!(settings, a)));
  expect(remote).toEqual(local);
  expect(remote.flat().every((d) => d.ids.length >= settings.minWords)).toBe(true);
});

it("draws here when its threads die mid-request, and after: the request is answered all the same", async () => {
  const ask = { temperature: 0.9, count: 2, prefix: [], seed: 77 };
  const expected = await drawQuatrains(here, settings, ask);
  const asked = threaded.draw!(settings, ask);
  await threaded.stopThreads!();
  expect(await asked).toEqual(expected);
  expect(await threaded.draw!(settings, ask)).toEqual(expected);
});
