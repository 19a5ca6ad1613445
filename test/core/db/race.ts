// Runs race-worker.ts in several processes at once against one database and collects their answers.
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { projectRoot } from "../../helpers/paths.ts";

const run = promisify(execFile);
const worker = path.join(projectRoot, "test/core/db/race-worker.ts");

export async function race<T>(url: string, op: "lease" | "claim" | "schedule", processes: number): Promise<T[]> {
  // Far enough ahead that every process has started and connected.
  const startAt = Date.now() + 3_500;
  const outputs = await Promise.all(
    Array.from({ length: processes }, (_, i) =>
      run(process.execPath, ["--import", "tsx", worker, url, op, `p${i}`, String(startAt)], {
        cwd: projectRoot,
        timeout: 60_000,
      }),
    ),
  );
  return outputs.map((o) => JSON.parse(o.stdout) as T);
}
