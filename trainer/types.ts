import type { Config } from "../config/schema.ts";
import type { Db } from "../core/db/client.ts";
import type { EpochMetrics } from "../core/metrics.ts";
import type { Logger } from "../core/logger.ts";

export type TrainerSettings = Config["trainer"];

/** What the service asks of one training run (core/training trainVersion fits it). */
export interface TrainRequest {
  epochs?: number;
  jobId: number;
  requestedBy: string;
  /** The job allows a corpus change to replace the current model. */
  allowCorpusChange?: boolean;
  /** Checked after every batch; true makes the run stop and save nothing. */
  shouldStop: () => boolean;
  onEpoch: (metrics: EpochMetrics) => Promise<void>;
}

interface TrainOutcome {
  /** The saved version; null when the run was stopped (nothing saved). */
  version: number | null;
  status: "accepted" | "rejected" | "stopped";
  /** Gate reason: why it was promoted or rejected. */
  reason: string;
  backend: string;
}

export type TrainFn = (request: TrainRequest) => Promise<TrainOutcome>;

export interface TrainerDeps {
  db: Db;
  settings: TrainerSettings;
  log: Logger;
  train: TrainFn;
  /** Recorded on each job it runs; e.g. the tfjs backend picked at start. */
  backend?: string;
  /** Unique name of this trainer instance (default host:pid:random). */
  runnerId?: string;
  /** Run the cron schedule in this process (default true). */
  schedule?: boolean;
}
