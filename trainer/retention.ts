// The rule moved to core/db (trainVersion applies it after every saved version); kept here for the trainer's callers.
export { applyRetention, versionsToDrop } from "../core/db/retention.ts";
