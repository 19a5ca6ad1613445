import { spawn } from "node:child_process";
import path from "node:path";
import { expect, it } from "vitest";
import { getLease, TRAINER_LEASE } from "../../core/db/leases.ts";
import { listModelVersions } from "../../core/db/model-versions.ts";
import { testGloveCacheDir } from "../helpers/config.ts";
import { describeEachDatabase } from "../helpers/db.ts";
import { projectRoot, testCorpusPath } from "../helpers/paths.ts";

describeEachDatabase("oracle train interrupted", (getDb) => {
  it("stops after the current batch on Ctrl-C, saves nothing, releases the lease, exits 130", async () => {
    const child = spawn(
      process.execPath,
      [path.join(projectRoot, "bin/oracle.js"), "train", "--epochs", "50", "--max-documents", "100"],
      {
        cwd: projectRoot,
        stdio: ["ignore", "pipe", "pipe"],
        env: {
          PATH: process.env.PATH ?? "",
          DATABASE_URL: getDb().url,
          CORPUS_PATH: testCorpusPath,
          GLOVE_CACHE_DIR: testGloveCacheDir,
          TRAIN_THREADS: "1",
          LOG_LEVEL: "info",
        },
      },
    );
    let stderr = "";
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    child.stderr.on("data", (d) => {
      stderr += d;
      if (/epoch 1\/50/.test(stderr) && !child.killed) child.kill("SIGINT");
    });
    expect(await exited, stderr).toBe(130);
    expect(stderr).toMatch(/training stopped after \d+ of 50 epochs: nothing saved/);
    expect(await listModelVersions(getDb())).toHaveLength(0);
    expect(await getLease(getDb(), TRAINER_LEASE)).toBeNull();
  });
});
