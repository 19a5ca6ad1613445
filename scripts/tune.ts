// npm run tune: a reproducible hyper-parameter search on the trainer's own split (the test
// quatrains held out as in every run), with the fast trainer. Each finished run appends one line to
// docs/tuning/results.jsonl (committed) and keeps its weights under data/tune/ for the quality pass.
//   npm run tune                      every run of the grid not yet in results.jsonl
//   npm run tune -- --only a,b        just these runs
//   npm run tune -- --budget 60       stop starting runs after 60 minutes
// TRAIN_THREADS, GLOVE_SOURCE, CORPUS_PATH etc. come from the environment as for `oracle train`.
import { appendFile, mkdir, readFile, writeFile } from "node:fs/promises";
import { loadavg } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { loadConfig, type Config } from "../config/schema.ts";
import { readCorpus } from "../core/corpus/index.ts";
import { createLogger } from "../core/logger.ts";
import { exportModel, importModel, trainModel } from "../core/model/index.ts";
import { initBackend, type BackendName } from "../core/tf/backend.ts";
import { createTrainStep } from "../core/tf/train-step.ts";
import { loadEmbeddings } from "../core/training/embeddings.ts";
import { heldOutPerplexities } from "../core/training/held-out.ts";
import { buildNetwork } from "../core/training/initial-model.ts";
import { prepareCorpus } from "../core/training/prepare-corpus.ts";
import { trainingData } from "../core/training/training-data.ts";
import { tuneGrid, type TuneRun } from "./tune-grid.ts";

const { values } = parseArgs({
  options: {
    only: { type: "string" },
    budget: { type: "string", default: "60" },
    results: { type: "string", default: "docs/tuning/results.jsonl" },
  },
});
// Each run overrides its profile's settings (the seed's for the first search's runs), whatever the defaults are now.
const configOf = (run: TuneRun) => loadConfig({ ...process.env, MODEL_PROFILE: run.profile ?? "seed" });
const config = loadConfig(process.env);
const log = createLogger(config.log.level);
const resultsPath = values.results;
const budgetSeconds = Number(values.budget) * 60;

const done = new Set(
  (await readFile(resultsPath, "utf8").catch(() => ""))
    .split("\n")
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { name: string }).name),
);
const wanted = values.only ? new Set(values.only.split(",")) : undefined;
const runs = tuneGrid.filter((r) => (wanted ? wanted.has(r.name) : !done.has(r.name)));

const backend = await initBackend({ preference: config.training.backend }, log);
const prepared = prepareCorpus(await readCorpus(config.corpus.path));
const { words, counts } = prepared.vocabulary;
const embeddings = await loadEmbeddings(config.glove, words, config.training.seed, log);
const searchStarted = performance.now();

/** The run's settings: its profile's with the run's overrides. */
const settingsOf = (run: TuneRun): { model: Config["model"]; training: Config["training"] } => ({
  model: { ...configOf(run).model, ...run.model },
  training: { ...configOf(run).training, ...run.training },
});

for (const run of runs) {
  if ((performance.now() - searchStarted) / 1000 > budgetSeconds) {
    log.warn({ run: run.name }, "search budget spent: run skipped");
    continue;
  }
  const { model: m, training: t } = settingsOf(run);
  const data = trainingData(prepared.docsAsIds, words, counts, {
    architecture: m.architecture,
    phraseLength: m.phraseLength,
    validationFraction: t.validationFraction,
    seed: t.seed,
    testFraction: t.testFraction,
    testSeed: t.testSeed,
    classWeightPower: t.classWeightPower,
  });
  const model = buildNetwork(m, words.length, embeddings.dim, embeddings.matrix, t.seed);
  if (run.warmFrom) {
    const saved = JSON.parse(await readFile(`data/tune/${run.warmFrom}.json`, "utf8")) as {
      topology: object;
      weightSpecs: object[];
    };
    const from = await importModel({
      ...saved,
      weights: new Uint8Array(await readFile(`data/tune/${run.warmFrom}.bin`)),
    });
    model.setWeights(from.getWeights());
    from.dispose();
  }
  const step = await createTrainStep(model, {
    learningRate: t.learningRate,
    classWeights: data.classWeights,
    threads: t.threads,
    backend: backend.name,
  });
  const started = performance.now();
  try {
    const result = await trainModel(model, data.train, data.validation, {
      epochs: t.epochs,
      batchSize: t.batchSize,
      learningRate: t.learningRate,
      seed: t.seed,
      classWeights: data.classWeights,
      step: step.step,
      restoreBestEpoch: true,
      patience: t.patience,
      learningRateDecay: t.learningRateDecay,
      maxSeconds: t.maxMinutes * 60,
      onEpochEnd: (e) => log.info({ run: run.name, ...e }, "epoch"),
    });
    const kept = result.final!;
    const seconds = (performance.now() - started) / 1000;
    const held = heldOutPerplexities(model, data, { vocabSize: words.length, valLoss: kept.valLoss, batchSize: 1024 });
    const epochSeconds = result.epochs.map((e) => e.seconds);
    const secondsToBest = result.epochs.filter((e) => e.epoch <= kept.epoch).reduce((s, e) => s + e.seconds, 0);
    const line = {
      name: run.name,
      note: run.note,
      warmFrom: run.warmFrom,
      model: m,
      training: { ...t, threads: step.threads },
      backend: backend.name,
      corpusSha256: prepared.sha256,
      splitDocuments: {
        train: data.split.train.length,
        validation: data.split.validation.length,
        test: data.split.test.length,
      },
      epochsRun: result.epochs.length,
      meanEpochSeconds: Number((epochSeconds.reduce((a, b) => a + b, 0) / Math.max(epochSeconds.length, 1)).toFixed(2)),
      loadAverage: loadavg().map((x) => Number(x.toFixed(2))),
      bestEpoch: kept.epoch,
      secondsToBest: Math.round(secondsToBest),
      seconds: Math.round(seconds),
      earlyStopped: result.earlyStopped ?? false,
      ...held,
      valLossByEpoch: result.epochs.map((e) => Number(e.valLoss.toFixed(4))),
      finishedAt: new Date().toISOString(),
    };
    log.info(
      {
        run: run.name,
        perplexity: held.perplexity,
        kn: held.kneserNeyPerplexity,
        test: held.testPerplexity,
        testKn: held.testKneserNeyPerplexity,
      },
      "run done",
    );
    await mkdir(path.dirname(resultsPath), { recursive: true });
    await appendFile(resultsPath, `${JSON.stringify(line)}\n`);
    const artifacts = await exportModel(model);
    await mkdir("data/tune", { recursive: true });
    await writeFile(
      `data/tune/${run.name}.json`,
      JSON.stringify({
        topology: artifacts.topology,
        weightSpecs: artifacts.weightSpecs,
        vocabulary: words,
        casing: prepared.casing,
      }),
    );
    await writeFile(`data/tune/${run.name}.bin`, artifacts.weights);
  } finally {
    await step.dispose();
    model.dispose();
  }
}
process.exit(0);
