// `npm run bench`: training, stock-cpu, sampling and GloVe figures measured in one run, printed
// and written as JSON under bench/results/. Options: --epochs N (2), --threads N (config),
// --stock-batches N (1; 0 skips the stock cpu run, which takes minutes per batch),
// --corpus PATH (config corpus.path), --webgpu-batches N (3; batches measured on a software WebGPU
// adapter such as lavapipe, 0 skips the webgpu run), --out FILE, --web-rows N (1,000,000 prophecies for the web
// history at scale, on SQLite and PostgreSQL --postgres URL; 0 skips it; bench/web-scale-bench.ts),
// --only-web (just that part). --load runs the load bench through the bot's surfaces instead (bench/load-bench.ts).
import { mkdir, writeFile } from "node:fs/promises";
import { availableParallelism, cpus, loadavg } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import * as tf from "@tensorflow/tfjs";
import { loadConfig } from "../config/schema.ts";
import { isUserError } from "../core/errors.ts";
import { createLogger } from "../core/logger.ts";
import { buildModel, buildSequenceModel, samplingVocabulary, type ModelOptions } from "../core/model/index.ts";
import { initBackend } from "../core/tf/backend.ts";
import { resolveThreads } from "../core/tf/train-step.ts";
import { prepareCorpus } from "./corpus.ts";
import { benchGlove } from "./glove-bench.ts";
import { benchEpochs } from "./train-bench.ts";
import { benchStockCpu } from "./stock-cpu.ts";
import { benchSampling } from "./sampling-bench.ts";
import { round } from "./stats.ts";
import { benchWebgpu, type WebgpuFigures } from "./webgpu-bench.ts";
import { benchWebScale } from "./web-scale-bench.ts";

// `npm run bench -- --load` (or --discord, --slack: one surface): the load bench through the bot's
// surfaces, bench/load-bench.ts.
if (["--load", "--discord", "--slack"].some((a) => process.argv.includes(a))) {
  await import("./load-bench.ts");
  process.exit(0);
}

const { values: args } = parseArgs({
  options: {
    epochs: { type: "string", default: "2" },
    threads: { type: "string" },
    "stock-batches": { type: "string", default: "1" },
    corpus: { type: "string" },
    "webgpu-batches": { type: "string", default: "3" },
    out: { type: "string" },
    "web-rows": { type: "string", default: "1000000" },
    "only-web": { type: "boolean", default: false },
    postgres: {
      type: "string",
      default: process.env.BENCH_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres",
    },
  },
});

const config = loadConfig(process.env);
const log = createLogger(config.log.level === "info" ? "warn" : config.log.level, {
  name: "bench",
  pretty: process.stderr.isTTY,
});
const say = (line: string) => process.stdout.write(`${line}\n`);
const goal = (ok: boolean) => (ok ? "✓ goal met" : "✗ goal missed");

const started = new Date();
const webScale = () =>
  Number(args["web-rows"]) > 0
    ? benchWebScale({
        rows: Number(args["web-rows"]),
        iterations: 200,
        postgresUrl: args.postgres === "none" ? null : args.postgres,
        say,
      })
    : Promise.resolve(null);
if (args["only-web"]) {
  say(`Nostradamus Oracle bench (web history only) — ${started.toISOString()}`);
  await webScale();
  process.exit(0);
}
const backend = await initBackend({ preference: config.training.backend }, log);
const threads = resolveThreads(args.threads === undefined ? config.training.threads : Number(args.threads));
say(`Nostradamus Oracle bench — ${started.toISOString()}`);
say(
  `machine: ${availableParallelism()} cores (${cpus()[0]?.model ?? "?"}), load average ${loadavg()
    .map((x) => x.toFixed(2))
    .join(" ")} — shared cores make timings noisy`,
);
say(
  `backend: ${backend.name}${backend.name === "wasm" ? ` (SIMD ${tf.env().getBool("WASM_HAS_SIMD_SUPPORT")})` : ""}; skipped: ${backend.reasons.join("; ") || "none"}`,
);

// Both architectures, side by side: the window model's settings from its profile (tuned, or seed
// when MODEL_PROFILE=seed), the sequence model's from the default profile; variables set explicitly win.
const windowConfig =
  config.model.architecture === "window" ? config : loadConfig({ ...process.env, MODEL_PROFILE: "tuned" });
const sequenceConfig =
  config.model.architecture === "sequence" ? config : loadConfig({ ...process.env, MODEL_PROFILE: "sequence" });
const m = windowConfig.model;
const t = windowConfig.training;
const data = await prepareCorpus(args.corpus ?? config.corpus.path, {
  architecture: "window",
  phraseLength: m.phraseLength,
  validationFraction: t.validationFraction,
  seed: t.seed,
  testFraction: t.testFraction,
  testSeed: t.testSeed,
  classWeightPower: t.classWeightPower,
}).catch((error: unknown) => {
  if (!isUserError(error)) throw error;
  process.stderr.write(`error: ${error.message}\n${error.hint ? `hint: ${error.hint}\n` : ""}`);
  process.exit(1);
});
const words = data.vocabulary.words;

// GloVe first: its matrix initialises the model, as in a real run.
const glove = await benchGlove(config.glove.source, words, t.seed);
say(
  `\nGloVe (${glove.source}, ${glove.dim}-d, coverage ${(glove.coverage * 100).toFixed(1)}%): cold ${glove.coldSeconds.toFixed(2)} s, cached ${glove.cachedSeconds.toFixed(3)} s  [goal cached ≤ 2 s: ${goal(glove.cachedSeconds <= 2)}]`,
);

const modelOptions: ModelOptions = {
  vocabSize: words.length,
  embeddingDim: glove.dim,
  phraseLength: m.phraseLength,
  units: m.units,
  dropout: m.dropout,
  recurrentDropout: m.recurrentDropout,
  l2: m.l2,
  seed: t.seed,
};
const size = { V: words.length, E: glove.dim, H: m.units, L: m.phraseLength };
const model = buildModel({ ...modelOptions, embeddings: glove.matrix });
const epochs = await benchEpochs(model, data, size, {
  epochs: Number(args.epochs),
  batchSize: t.batchSize,
  learningRate: t.learningRate,
  seed: t.seed,
  threads,
  backend: backend.name,
});
const meanEpoch = epochs.epochSeconds.reduce((a, b) => a + b, 0) / epochs.epochSeconds.length;
say(
  `\nTraining the window model, full corpus (V=${size.V}, E=${size.E}, H=${size.H}, L=${size.L}, batch ${t.batchSize}; ${data.train.count} train + ${data.validation.count} validation examples, ${epochs.batchesPerEpoch} batches/epoch) on ${backend.name} × ${epochs.threads} thread(s):`,
);
say(
  `  seconds per epoch (validation included): ${epochs.epochSeconds.map((s) => s.toFixed(2)).join(", ")} — mean ${meanEpoch.toFixed(2)} s  [goal ≤ 20 s: ${goal(meanEpoch <= 20)}]`,
);
say(
  `  ${epochs.gflopPerEpoch.toFixed(1)} GFLOP per epoch (matrix products) → ${epochs.gflops.toFixed(1)} GFLOP/s in the fastest epoch; val loss ${epochs.valLoss.map((v) => v.toFixed(3)).join(", ")}`,
);

// The sequence model: whole quatrains, one GRU step per token, the same corpus and split.
const sm = sequenceConfig.model;
const st = sequenceConfig.training;
const sequenceData = await prepareCorpus(args.corpus ?? config.corpus.path, {
  architecture: "sequence",
  phraseLength: sm.phraseLength,
  validationFraction: st.validationFraction,
  seed: st.seed,
  testFraction: st.testFraction,
  testSeed: st.testSeed,
  classWeightPower: st.classWeightPower,
});
const sequenceSize = { V: words.length, E: glove.dim, H: sm.units, L: 1 };
const sequenceModel = buildSequenceModel({
  vocabSize: words.length,
  embeddingDim: glove.dim,
  units: sm.units,
  layers: sm.layers,
  dropout: sm.dropout,
  tied: sm.tiedOutput,
  embeddings: glove.matrix,
  seed: st.seed,
});
const sequenceEpochs = await benchEpochs(sequenceModel, sequenceData, sequenceSize, {
  epochs: Number(args.epochs),
  batchSize: st.batchSize,
  learningRate: st.learningRate,
  seed: st.seed,
  threads,
  backend: backend.name,
});
const meanSequenceEpoch = sequenceEpochs.epochSeconds.reduce((a, b) => a + b, 0) / sequenceEpochs.epochSeconds.length;
say(
  `\nTraining the sequence model, full corpus (H=${sm.units} × ${sm.layers} layer(s), ${sm.tiedOutput ? "tied" : "untied"} output, batch ${st.batchSize} quatrains; ${sequenceData.train.count} train + ${sequenceData.validation.count} validation quatrains, ${sequenceEpochs.batchesPerEpoch} batches/epoch) on ${backend.name} × ${sequenceEpochs.threads} thread(s):`,
);
say(
  `  seconds per epoch (validation included): ${sequenceEpochs.epochSeconds.map((x) => x.toFixed(2)).join(", ")} — mean ${meanSequenceEpoch.toFixed(2)} s  [goal ≤ 5 s: ${goal(meanSequenceEpoch <= 5)}]`,
);
say(
  `  ${sequenceEpochs.gflopPerEpoch.toFixed(1)} GFLOP per epoch (matrix products, untied count) → ${sequenceEpochs.gflops.toFixed(1)} GFLOP/s in the fastest epoch; val loss ${sequenceEpochs.valLoss.map((v) => v.toFixed(3)).join(", ")}`,
);

// The webgpu backend beside the chosen one, when Dawn finds an adapter (and it was not the chosen one).
let webgpu: WebgpuFigures | null = null;
if (backend.name !== "webgpu" && Number(args["webgpu-batches"]) > 0) {
  webgpu = await benchWebgpu(data, modelOptions, size, glove.matrix, {
    epochs: Number(args.epochs),
    batchSize: t.batchSize,
    learningRate: t.learningRate,
    seed: t.seed,
    softwareBatches: Number(args["webgpu-batches"]),
  });
  if (!webgpu) say(`\nwebgpu: ${backend.reasons.find((r) => r.startsWith("webgpu: "))?.slice(8) ?? "no adapter"}`);
  else if (!webgpu.software) {
    const w = webgpu.epochs;
    const mean = w.epochSeconds.reduce((a, b) => a + b, 0) / w.epochSeconds.length;
    say(`\nTraining on webgpu (${webgpu.adapter}), same model and batch:`);
    say(
      `  seconds per epoch (validation included): ${w.epochSeconds.map((x) => x.toFixed(2)).join(", ")} — mean ${mean.toFixed(2)} s  [goal ≤ 1 s on an H100/H200: ${goal(mean <= 1)}]`,
    );
    say(
      `  ${w.gflopPerEpoch.toFixed(1)} GFLOP per epoch → ${w.gflops.toFixed(1)} GFLOP/s in the fastest epoch; val loss ${w.valLoss.map((v) => v.toFixed(3)).join(", ")}`,
    );
  } else {
    say(
      `\nTraining on webgpu — SOFTWARE adapter (${webgpu.adapter}): a CPU implementation, correctness only, not a GPU figure:`,
    );
    say(
      `  ${webgpu.secondsPerBatch.length} measured batch(es) of ${webgpu.batchSize}: ${webgpu.secondsPerBatch.map((x) => x.toFixed(2)).join(", ")} s → ${webgpu.extrapolatedEpochSeconds.toFixed(0)} s per epoch extrapolated (no validation), ${webgpu.gflops.toFixed(1)} GFLOP/s`,
    );
  }
}

const stockBatches = Number(args["stock-batches"]);
let stock: Awaited<ReturnType<typeof benchStockCpu>> | undefined;
if (stockBatches > 0) {
  say(
    `\nStock @tensorflow/tfjs cpu backend (no project kernels), same model, ${stockBatches} batch(es) of ${t.batchSize} (minutes each)…`,
  );
  stock = await benchStockCpu(data, modelOptions, {
    batches: stockBatches,
    batchSize: t.batchSize,
    learningRate: t.learningRate,
  });
  const ratio = stock.extrapolatedEpochSeconds / meanEpoch;
  say(
    `  seconds per batch: ${stock.secondsPerBatch.map((s) => s.toFixed(1)).join(", ")} → ${stock.extrapolatedEpochSeconds.toFixed(0)} s per epoch extrapolated (${epochs.batchesPerEpoch} batches, no validation)`,
  );
  say(`  speed-up of the default backend: ${ratio.toFixed(0)}×  [goal ≥ 100×: ${goal(ratio >= 100)}]`);
}

say(
  `\nSampling (T=1.0, ${config.sampling.minWords}–${config.sampling.maxWords} words as prophesy draws them, each model after the epochs above, each with its profile's sampling settings):`,
);
const vocabulary = samplingVocabulary(words, data.docsAsIds);
const lengthsOf = (c: typeof config) => ({
  minWords: c.sampling.minWords,
  maxWords: c.sampling.maxWords,
  rules: c.sampling,
  vocabulary,
});
const sampling = await benchSampling(model, lengthsOf(windowConfig));
const sequenceSampling = await benchSampling(sequenceModel, lengthsOf(sequenceConfig));
say("  window model:");
for (const s of sampling) {
  const goals =
    s.scorer.startsWith("fast") && s.concurrency === 32
      ? `  [goals p50 ≤ 10 ms: ${goal(s.p50ms <= 10)}; p99 ≤ 30 ms: ${goal(s.p99ms <= 30)}; ≥ 200/s: ${goal(s.quatrainsPerSecond >= 200)}]`
      : "";
  say(
    `  ${s.scorer.padEnd(13)} concurrency ${String(s.concurrency).padStart(2)}: p50 ${s.p50ms.toFixed(1)} ms, p99 ${s.p99ms.toFixed(1)} ms per quatrain, ${s.quatrainsPerSecond.toFixed(1)} quatrains/s, ${s.wordsPerSecond.toFixed(0)} words/s (${s.quatrains} quatrains, ${s.meanWords.toFixed(1)} words each)${goals}`,
  );
}
say("  sequence model:");
for (const s of sequenceSampling) {
  say(
    `  ${s.scorer.padEnd(13)} concurrency ${String(s.concurrency).padStart(2)}: p50 ${s.p50ms.toFixed(1)} ms, p99 ${s.p99ms.toFixed(1)} ms per quatrain, ${s.quatrainsPerSecond.toFixed(1)} quatrains/s, ${s.wordsPerSecond.toFixed(0)} words/s (${s.quatrains} quatrains, ${s.meanWords.toFixed(1)} words each)`,
  );
}
const bestAt = (figures: typeof sampling, concurrency: number) =>
  figures.filter((f) => f.concurrency === concurrency && f.scorer !== "model.predict" && f.scorer !== "whole prefix");
const fastest = (figures: typeof sampling, concurrency: number) =>
  Math.min(...bestAt(figures, concurrency).map((f) => 1000 / f.quatrainsPerSecond));
say("\nSide by side (this run, this machine):");
say(
  "  | model | seconds per epoch | ms per quatrain, alone (p50) | ms per quatrain at concurrency 32 (1 / throughput) |",
);
say("  | --- | --- | --- | --- |");
for (const [name, mean, figures] of [
  ["window", meanEpoch, sampling],
  ["sequence", meanSequenceEpoch, sequenceSampling],
] as const) {
  const alone = bestAt(figures, 1)[0];
  say(
    `  | ${name} | ${mean.toFixed(2)} | ${alone ? alone.p50ms.toFixed(1) : "?"} | ${fastest(figures, 32).toFixed(2)} |`,
  );
}

const web = await webScale();

const report = {
  startedAt: started.toISOString(),
  machine: { cores: availableParallelism(), cpu: cpus()[0]?.model, loadAverage: loadavg() },
  backend: {
    name: backend.name,
    skipped: backend.reasons,
    simd: backend.name === "wasm" ? tf.env().getBool("WASM_HAS_SIMD_SUPPORT") : undefined,
  },
  model: {
    ...size,
    batchSize: t.batchSize,
    trainExamples: data.train.count,
    validationExamples: data.validation.count,
  },
  glove: {
    source: glove.source,
    dim: glove.dim,
    coverage: round(glove.coverage, 4),
    coldSeconds: round(glove.coldSeconds, 3),
    cachedSeconds: round(glove.cachedSeconds, 3),
  },
  training: {
    ...epochs,
    epochSeconds: epochs.epochSeconds.map((s) => round(s, 3)),
    meanEpochSeconds: round(meanEpoch, 3),
    gflopPerEpoch: round(epochs.gflopPerEpoch, 2),
    gflops: round(epochs.gflops, 2),
  },
  webgpu:
    webgpu &&
    (webgpu.software
      ? {
          ...webgpu,
          secondsPerBatch: webgpu.secondsPerBatch.map((x) => round(x, 3)),
          extrapolatedEpochSeconds: round(webgpu.extrapolatedEpochSeconds, 1),
          gflops: round(webgpu.gflops, 2),
        }
      : webgpu),
  stockCpu: stock ? { ...stock, ratio: round(stock.extrapolatedEpochSeconds / meanEpoch, 1) } : null,
  sequence: {
    model: { ...sequenceSize, layers: sm.layers, tied: sm.tiedOutput, batchSize: st.batchSize },
    training: {
      ...sequenceEpochs,
      epochSeconds: sequenceEpochs.epochSeconds.map((x) => round(x, 3)),
      meanEpochSeconds: round(meanSequenceEpoch, 3),
      gflopPerEpoch: round(sequenceEpochs.gflopPerEpoch, 2),
      gflops: round(sequenceEpochs.gflops, 2),
    },
    sampling: sequenceSampling.map((x) => ({
      ...x,
      p50ms: round(x.p50ms),
      p99ms: round(x.p99ms),
      quatrainsPerSecond: round(x.quatrainsPerSecond, 1),
      wordsPerSecond: round(x.wordsPerSecond, 0),
      meanWords: round(x.meanWords, 1),
    })),
  },
  webScale: web,
  sampling: sampling.map((s) => ({
    ...s,
    p50ms: round(s.p50ms),
    p99ms: round(s.p99ms),
    quatrainsPerSecond: round(s.quatrainsPerSecond, 1),
    wordsPerSecond: round(s.wordsPerSecond, 0),
    meanWords: round(s.meanWords, 1),
  })),
};
const out = path.resolve(
  args.out ?? path.join(import.meta.dirname, "results", `bench-${started.toISOString().replace(/[:.]/g, "-")}.json`),
);
await mkdir(path.dirname(out), { recursive: true });
await writeFile(out, `${JSON.stringify(report, null, 2)}\n`);
say(`\nFigures written to ${out}`);
