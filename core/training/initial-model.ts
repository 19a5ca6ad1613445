import type * as tf from "@tensorflow/tfjs";
import type { Config } from "../../config/schema.ts";
import type { Db } from "../db/client.ts";
import { currentModelVersion } from "../db/model-versions.ts";
import type { Logger } from "../logger.ts";
import { buildModel, buildSequenceModel } from "../model/index.ts";
import { loadEmbeddings } from "./embeddings.ts";
import { warmStartModel } from "./warm-start.ts";

export interface InitialModel {
  model: tf.LayersModel;
  embeddingDim: number;
  /** Where the starting weights came from: the GloVe source, or the version warm-started from. */
  source: string;
  gloveCoverage: number;
  warmStarted: boolean;
}

/**
 * The model a run starts from: the current version's when warm start is on and it can be reused
 * (same vocabulary and network), otherwise a new one with GloVe-initialised embeddings.
 */
export async function initialModel(
  db: Db,
  config: Config,
  words: readonly string[],
  warmStart: boolean,
  log: Logger,
): Promise<InitialModel> {
  // The current weights (megabytes) are read only when they may be used.
  const current = warmStart ? await currentModelVersion(db, { withWeights: true }) : null;
  const warm = await warmStartModel(current, words, config.model);
  if (warm) {
    return {
      ...warm,
      source: `warm start from v${current!.version}`,
      gloveCoverage: current!.gloveCoverage,
      warmStarted: true,
    };
  }
  const m = config.model;
  const embeddings = await loadEmbeddings(config.glove, words, config.training.seed, log);
  const model = buildNetwork(m, words.length, embeddings.dim, embeddings.matrix, config.training.seed);
  return {
    model,
    embeddingDim: embeddings.dim,
    source: embeddings.source,
    gloveCoverage: embeddings.coverage,
    warmStarted: false,
  };
}

/** A new network of the configured architecture. */
export function buildNetwork(
  m: Config["model"],
  vocabSize: number,
  embeddingDim: number,
  embeddings: Float32Array | undefined,
  seed: number,
): tf.LayersModel {
  return m.architecture === "sequence"
    ? buildSequenceModel({
        vocabSize,
        embeddingDim,
        units: m.units,
        layers: m.layers,
        dropout: m.dropout,
        tied: m.tiedOutput,
        embeddings,
        seed,
      })
    : buildModel({
        vocabSize,
        embeddingDim,
        phraseLength: m.phraseLength,
        units: m.units,
        dropout: m.dropout,
        recurrentDropout: m.recurrentDropout,
        l2: m.l2,
        embeddings,
        seed,
      });
}
