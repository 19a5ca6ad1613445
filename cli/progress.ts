import cliProgress from "cli-progress";
import type { EpochMetrics } from "../core/metrics.ts";
import type { BatchInfo } from "../core/model/train.ts";

/** Training progress: a bar per epoch on a terminal, one plain line per epoch otherwise. */
export function trainingProgress(stream: NodeJS.WritableStream & { isTTY?: boolean }, epochs: number) {
  const fmt = (m: EpochMetrics) =>
    `epoch ${m.epoch}/${epochs}: loss ${m.loss.toFixed(4)} acc ${m.acc.toFixed(3)} val_loss ${m.valLoss.toFixed(4)} val_acc ${m.valAcc.toFixed(3)} (${m.seconds.toFixed(1)} s)`;
  if (!stream.isTTY) {
    return { onBatch: undefined, onEpoch: (m: EpochMetrics) => void stream.write(`${fmt(m)}\n`), stop: () => {} };
  }
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: "epoch {epoch}/{epochs} [{bar}] {value}/{total} batches | loss {loss}",
      hideCursor: true,
      clearOnComplete: true,
    },
    cliProgress.Presets.shades_classic,
  );
  let active = false;
  return {
    onBatch: (b: BatchInfo) => {
      if (!active) {
        bar.start(b.batches, 0, { epoch: b.epoch, epochs, loss: "-" });
        active = true;
      }
      bar.update(b.batch, { loss: b.loss.toFixed(4) });
    },
    onEpoch: (m: EpochMetrics) => {
      if (active) bar.stop();
      active = false;
      stream.write(`${fmt(m)}\n`);
    },
    stop: () => {
      if (active) bar.stop();
    },
  };
}
