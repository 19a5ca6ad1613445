import * as tf from "@tensorflow/tfjs";
import type { Config } from "../../config/schema.ts";
import type { Corpus } from "../corpus/index.ts";
import type { Db } from "../db/client.ts";
import { createModelVersion } from "../db/model-versions.ts";
import { applyRetention } from "../db/retention.ts";
import { checkGloveSource } from "../glove/index.ts";
import type { Logger } from "../logger.ts";
import { withSyncReads, type BackendName } from "../tf/backend.ts";
import { fastSamplerFor } from "../tf/sampler.ts";
import { createTrainStep } from "../tf/train-step.ts";
import { buildCopyIndex, exportModel, samplingVocabulary, trainModel, type BatchInfo } from "../model/index.ts";
import type { EpochMetrics } from "../metrics.ts";
import { evaluateVersion } from "./evaluate-version.ts";
import type { VersionEvaluation } from "../eval/index.ts";
import { gateAgainstCurrent } from "./baseline.ts";
import { initialModel } from "./initial-model.ts";
import { idsToBytes } from "../corpus/index.ts";
import { prepareCorpus } from "./prepare-corpus.ts";
import { readTrainingCorpus } from "./training-corpus.ts";
import { trainingData } from "./training-data.ts";

export interface TrainVersionDeps {
  db: Db;
  config: Config;
  log: Logger;
}

export interface TrainVersionOptions {
  epochs?: number;
  corpusPath?: string;
  /** Already read and checked (readTrainingCorpus), e.g. by a command that checks it before loading tfjs. */
  corpus?: Corpus;
  jobId?: number | null;
  /** Promote even when the corpus or vocabulary differs from the current version's (never compared on loss). */
  allowCorpusChange?: boolean;
  /** Defaults to config trainer.warmStart. */
  warmStart?: boolean;
  /** Train on the first N documents only (quick checks and tests). */
  maxDocuments?: number;
  /** Who the promotion is recorded for. */
  requestedBy?: string;
  /** Checked after every batch: true stops the run, and nothing is saved. */
  shouldStop?: () => boolean;
  onEpoch?: (metrics: EpochMetrics) => void | Promise<void>;
  onBatch?: (info: BatchInfo) => void | Promise<void>;
}

export interface TrainVersionResult {
  /** Null when the run was stopped before it finished (nothing saved). */
  version: number | null;
  status: "accepted" | "rejected" | "stopped";
  /** Gate reason (why promoted or rejected). */
  reason: string;
  epochs: EpochMetrics[];
  loss: number;
  valLoss: number;
  valAcc: number;
  backend: string;
  vocabSize: number;
  gloveSource: string;
  gloveCoverage: number;
  warmStarted: boolean;
  /** The epoch whose weights were kept (the best by validation loss, or the last). */
  keptEpoch: number | null;
  evaluation: VersionEvaluation | null;
}

/**
 * One training run end to end: corpus → vocabulary → GloVe (or the current weights, warm) →
 * train → evaluate → promotion gate → a new ModelVersion, promoted in the same transaction when it
 * passes. A stopped run saves nothing, so a killed job never produces a current version.
 */
export async function trainVersion(
  deps: TrainVersionDeps,
  opts: TrainVersionOptions = {},
): Promise<TrainVersionResult> {
  const { config, db, log } = deps;
  const started = new Date();
  const read = opts.corpus ?? (await readTrainingCorpus(opts.corpusPath ?? config.corpus.path, config.corpus));
  // A bad GLOVE_SOURCE is reported now, even when a warm start will not need it.
  await checkGloveSource(config.glove.source);
  const corpus = opts.maxDocuments ? { ...read, documents: read.documents.slice(0, opts.maxDocuments) } : read;
  const prepared = prepareCorpus(corpus);
  const { words, counts } = prepared.vocabulary;
  const m = config.model;
  const t = config.training;
  const epochs = opts.epochs ?? t.epochs;

  const start = await initialModel(db, config, words, opts.warmStart ?? config.trainer.warmStart, log);
  const { model } = start;
  log.info(
    {
      vocabSize: words.length,
      documents: prepared.documents,
      from: start.source,
      gloveCoverage: start.gloveCoverage,
      backend: tf.getBackend(),
    },
    "training starts",
  );

  const {
    train,
    validation,
    test,
    classWeights: weights,
  } = trainingData(prepared.docsAsIds, words, counts, {
    architecture: m.architecture,
    phraseLength: m.phraseLength,
    validationFraction: t.validationFraction,
    seed: t.seed,
    testFraction: t.testFraction,
    testSeed: t.testSeed,
    classWeightPower: t.classWeightPower,
  });
  const backend = tf.getBackend() as BackendName;
  const step = await createTrainStep(model, {
    learningRate: t.learningRate,
    classWeights: weights,
    threads: t.threads,
    backend,
  });
  log.info({ threads: step.threads, backend }, "training step ready");
  try {
    const result = await trainModel(model, train, validation, {
      epochs,
      batchSize: t.batchSize,
      learningRate: t.learningRate,
      seed: t.seed,
      classWeights: weights,
      step: step.step,
      restoreBestEpoch: t.restoreBestEpoch,
      patience: t.patience,
      learningRateDecay: t.learningRateDecay,
      maxSeconds: t.maxMinutes * 60,
      shouldStop: opts.shouldStop,
      onBatchEnd: opts.onBatch,
      onEpochEnd: async (metrics) => {
        log.info(metrics, "epoch done");
        await opts.onEpoch?.(metrics);
      },
    });
    // The epoch whose weights the model now holds: the best one, or the last.
    const kept = result.final;
    const base = {
      epochs: result.epochs,
      backend: tf.getBackend(),
      vocabSize: words.length,
      gloveSource: start.source,
      gloveCoverage: start.gloveCoverage,
      warmStarted: start.warmStarted,
      loss: kept?.loss ?? NaN,
      valLoss: kept?.valLoss ?? NaN,
      valAcc: kept?.valAcc ?? NaN,
      keptEpoch: kept?.epoch ?? null,
    };
    const stopped = (): TrainVersionResult => ({
      ...base,
      version: null,
      status: "stopped",
      reason: "stopped before the run finished; nothing saved",
      evaluation: null,
    });
    if (result.stopped || !kept) return stopped();

    const copyIndex = buildCopyIndex(prepared.docsAsIds);
    const s = config.sampling;
    // Sampling reads synchronously: off webgpu for this part.
    const evaluation = await withSyncReads(
      model.getWeights(),
      () => {
        const scorer = fastSamplerFor(model);
        return evaluateVersion({
          model,
          train,
          validation,
          test,
          vocabSize: words.length,
          valLoss: kept.valLoss,
          batchSize: Math.max(t.batchSize, 1024),
          scorer,
          copyIndex,
          documents: prepared.docsAsIds,
          samples: config.trainer.evalSamples,
          rules: s,
          vocabulary: samplingVocabulary(words, prepared.docsAsIds),
          words,
          minWords: s.minWords,
          maxWords: s.maxWords,
          maxCopiedWords: s.maxCopiedWords,
          seed: t.seed,
        }).finally(() => scorer.dispose());
      },
      log,
    );
    const decision = await gateAgainstCurrent(
      db,
      {
        valLoss: kept.valLoss,
        corpus: { sha256: prepared.sha256, documents: prepared.documents, words },
        validation,
        quality: evaluation.quality,
        corpusQuality: evaluation.corpusQuality,
      },
      {
        batchSize: t.batchSize,
        tolerance: config.trainer.promotionTolerance,
        allowCorpusChange: opts.allowCorpusChange,
        qualityGate: config.trainer.qualityGate,
      },
    );
    // Checked once more before saving: a run whose job was cancelled or taken over meanwhile must not save.
    if (opts.shouldStop?.()) return stopped();
    const artifacts = await exportModel(model);
    const version = await createModelVersion(
      db,
      {
        trainingStartedAt: started,
        trainingFinishedAt: new Date(),
        status: decision.promote ? "accepted" : "rejected",
        rejectReason: decision.promote ? null : decision.reason,
        jobId: opts.jobId ?? null,
        topology: artifacts.topology,
        weightSpecs: artifacts.weightSpecs,
        weights: artifacts.weights,
        vocabulary: words,
        casing: prepared.casing,
        hyperParams: {
          ...m,
          embeddingDim: start.embeddingDim,
          batchSize: t.batchSize,
          learningRate: t.learningRate,
          validationFraction: t.validationFraction,
          seed: t.seed,
          testFraction: t.testFraction,
          testSeed: t.testSeed,
          classWeightPower: t.classWeightPower,
          epochs,
          threads: step.threads,
        },
        corpusSha256: prepared.sha256,
        corpusIds: idsToBytes(prepared.corpusIds),
        corpusDocuments: prepared.documents,
        gloveSource: start.source,
        gloveCoverage: start.gloveCoverage,
        backend: base.backend,
        epochs: result.epochs,
        loss: kept.loss,
        valLoss: kept.valLoss,
        valAcc: kept.valAcc,
        evaluation: { ...evaluation, keptEpoch: kept.epoch },
      },
      decision.promote ? { promote: { by: opts.requestedBy ?? "trainer", reason: decision.reason } } : {},
    );
    log.info({ version, promoted: decision.promote, reason: decision.reason }, "model version saved");
    // Retention after every saved version, wherever it was trained; a failure here loses nothing.
    try {
      const dropped = await applyRetention(db, config.trainer.keepVersions);
      if (dropped.length) log.info({ dropped }, "retention dropped the weights of old versions");
    } catch (err) {
      log.error({ err }, "retention failed; it runs again after the next saved version");
    }
    return {
      ...base,
      version,
      status: decision.promote ? "accepted" : "rejected",
      reason: decision.reason,
      evaluation,
    };
  } finally {
    await step.dispose();
    model.dispose();
  }
}
