// Entry of every TypeScript worker thread: `--import tsx` in a Worker's execArgv does not take
// effect on Node 20 (the .ts entry fails with "Unknown file extension"), so the worker registers
// tsx itself, then imports the .ts module named in workerData.entry.
import { register } from "tsx/esm/api";
import { workerData } from "node:worker_threads";

register();
await import(workerData.entry);
