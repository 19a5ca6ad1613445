import * as tf from "@tensorflow/tfjs";
import type { EpochMetrics } from "../metrics.ts";

/**
 * Remembers the weights of the epoch with the lowest validation loss (Keras'
 * restore_best_weights): validation loss on a small corpus is noisy from epoch to epoch, and the
 * last epoch is often not the best one.
 */
export function bestWeightsKeeper(model: tf.LayersModel) {
  let best: { metrics: EpochMetrics; weights: tf.Tensor[] } | null = null;
  const drop = () => best && tf.dispose(best.weights);
  return {
    /** Call after every epoch; keeps a copy of the weights when this epoch is the best so far. */
    observe(metrics: EpochMetrics): void {
      if (!Number.isFinite(metrics.valLoss) || (best && metrics.valLoss >= best.metrics.valLoss)) return;
      drop();
      best = { metrics, weights: model.getWeights().map((w) => tf.clone(w)) };
    },
    /** Puts the best epoch's weights back into the model; returns that epoch (null if none finished). */
    restore(): EpochMetrics | null {
      if (!best) return null;
      model.setWeights(best.weights);
      return best.metrics;
    },
    dispose: () => {
      drop();
      best = null;
    },
  };
}
