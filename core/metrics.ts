/** Metrics of one finished epoch: produced by training, stored per model version and per job. */
export interface EpochMetrics {
  /** 1-based. */
  epoch: number;
  /** Mean training loss over the epoch's batches (class-weighted, with L2), weighted by batch size. */
  loss: number;
  /** Training accuracy (under dropout). */
  acc: number;
  /** Unweighted validation crossentropy, inference mode (see evaluate). */
  valLoss: number;
  valAcc: number;
  /** Wall time of the epoch, validation included. */
  seconds: number;
}
