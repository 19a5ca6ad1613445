// What the CLI (oracle trainer | retrain | jobs | cancel) and the bots call.
export { runTrainer, failStartup, type RunTrainerOptions } from "./main.ts";
export { startTrainerService, type TrainerHandle } from "./service.ts";
export { checkSchedule, startSchedule, type ScheduleHandle, type ScheduleOptions } from "./schedule.ts";
export { applyRetention, versionsToDrop } from "./retention.ts";
export type { TrainFn, TrainOutcome, TrainRequest, TrainerDeps, TrainerSettings } from "./types.ts";
export {
  enqueueJob,
  getJob,
  jobEpochs,
  jobJson,
  listJobs,
  requestCancel,
  JOB_STATES,
  type EnqueueOptions,
  type Job,
  type JobState,
} from "../core/db/jobs.ts";
