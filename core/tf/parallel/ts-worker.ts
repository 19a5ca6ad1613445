import { Worker } from "node:worker_threads";

/**
 * Starts a worker thread running a TypeScript module (through ts-worker.mjs, which registers tsx).
 * @param entry URL of the .ts module, e.g. new URL("./worker.ts", import.meta.url)
 * @param data  merged into workerData (with `entry`)
 */
export function startTsWorker(entry: URL, data: object): Worker {
  return new Worker(new URL("./ts-worker.mjs", import.meta.url), { workerData: { ...data, entry: entry.href } });
}
