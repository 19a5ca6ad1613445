// A deterministic stand-in for training, for tests about scheduling rather than learning: it
// "trains" in timed batches, honours shouldStop after each batch and reports every epoch.
import type { TrainFn, TrainRequest } from "../../trainer/types.ts";

export interface FakeTrainOptions {
  epochs?: number;
  batchesPerEpoch?: number;
  batchMs?: number;
  /** Throw this message for a job, to simulate a failed run. */
  failWith?: (request: TrainRequest) => string | undefined;
}

export interface FakeTrain extends TrainFn {
  /** Batches run per job id (a stopped job runs fewer). */
  batches: Map<number, number>;
}

export function fakeTrain(opts: FakeTrainOptions = {}): FakeTrain {
  const batches = new Map<number, number>();
  const fn = async (req: TrainRequest) => {
    const failure = opts.failWith?.(req);
    if (failure) throw new Error(failure);
    const epochs = req.epochs ?? opts.epochs ?? 2;
    for (let epoch = 1; epoch <= epochs; epoch++) {
      for (let b = 0; b < (opts.batchesPerEpoch ?? 4); b++) {
        await new Promise((r) => setTimeout(r, opts.batchMs ?? 50));
        batches.set(req.jobId, (batches.get(req.jobId) ?? 0) + 1);
        if (req.shouldStop()) return { version: null, status: "stopped" as const, reason: "stopped", backend: "fake" };
      }
      await req.onEpoch({
        epoch,
        loss: 5 / epoch,
        acc: 0.1 * epoch,
        valLoss: 5.5 / epoch,
        valAcc: 0.09 * epoch,
        seconds: 0.01,
      });
    }
    return { version: null, status: "accepted" as const, reason: "fake run", backend: "fake" };
  };
  return Object.assign(fn, { batches });
}
