import { trainVersion, type TrainVersionDeps, type TrainVersionOptions } from "../core/training/train-version.ts";
import type { TrainFn } from "./types.ts";

/** The real training run for a job: core/training's trainVersion, fed the job's options (`fixed` adds to them). */
export const trainVersionFn =
  (deps: TrainVersionDeps, fixed: Omit<TrainVersionOptions, "shouldStop" | "onEpoch"> = {}): TrainFn =>
  async (request) => {
    const result = await trainVersion(deps, {
      ...fixed,
      epochs: request.epochs ?? fixed.epochs,
      jobId: request.jobId,
      requestedBy: request.requestedBy,
      allowCorpusChange: request.allowCorpusChange ?? fixed.allowCorpusChange,
      shouldStop: request.shouldStop,
      onEpoch: request.onEpoch,
    });
    return { version: result.version, status: result.status, reason: result.reason, backend: result.backend };
  };
