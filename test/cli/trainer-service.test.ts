import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, it } from "vitest";
import { getJob, type Job } from "../../core/db/jobs.ts";
import { currentModelVersion } from "../../core/db/model-versions.ts";
import { testGloveCacheDir } from "../helpers/config.ts";
import { describeEachDatabase } from "../helpers/db.ts";
import { projectRoot, testCorpusPath } from "../helpers/paths.ts";
import { runOracle } from "../helpers/run-oracle.ts";
import { waitFor } from "../helpers/wait.ts";

// `npm start` on a fresh install: the service trains a first model by itself, takes queued jobs
// within seconds, and stops cleanly on SIGTERM.
describeEachDatabase("oracle trainer", (getDb) => {
  it("trains the first model unasked, runs a queued retrain promptly, exits 0 on SIGTERM", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "oracle-trainer-"));
    const corpus = path.join(dir, "slice.txt");
    writeFileSync(corpus, readFileSync(testCorpusPath, "utf8").split("\n").slice(0, 30).join("\n"));
    const env = {
      DATABASE_URL: getDb().url,
      CORPUS_PATH: corpus,
      GLOVE_CACHE_DIR: testGloveCacheDir,
      TRAIN_EPOCHS: "1",
      TRAIN_THREADS: "1",
      TRAINER_EVAL_SAMPLES: "5",
      TRAINER_POLL_SECONDS: "0.5",
      TRAINER_PROMOTION_TOLERANCE: "10",
      // This is about the service; the quality gate has its own tests (a one-epoch model breaks its limits).
      TRAINER_QUALITY_GATE: "false",
      LOG_LEVEL: "info",
    };
    const child = spawn(process.execPath, [path.join(projectRoot, "bin/oracle.js"), "trainer"], {
      cwd: projectRoot,
      stdio: ["ignore", "pipe", "pipe"],
      env: { PATH: process.env.PATH ?? "", ...env },
    });
    let output = "";
    child.stdout.on("data", (d) => {
      output += d;
    });
    child.stderr.on("data", (d) => {
      output += d;
    });
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    try {
      const first = await waitFor("the first model", () => currentModelVersion(getDb()), {
        timeout: 90_000,
        interval: 200,
      });
      expect(first.status).toBe("accepted");

      const queued = JSON.parse((await runOracle(["retrain", "--reason", "test", "--json"], env)).stdout) as Job;
      const done = await waitFor(
        "the retrain job",
        async () => {
          const job = await getJob(getDb(), queued.id);
          return job && ["succeeded", "rejected", "failed"].includes(job.state) ? job : null;
        },
        { timeout: 90_000, interval: 200 },
      );
      expect(done.state, done.error ?? "").toBe("succeeded");
      expect(Date.parse(done.startedAt!) - Date.parse(done.queuedAt)).toBeLessThan(5_000);
      expect((await currentModelVersion(getDb()))?.version).toBe(done.version);
      // Said once (it was twice), with the next scheduled run; the service's log always names the backend.
      expect(output.match(/trainer service started/g)).toHaveLength(1);
      expect(output).toMatch(/nextScheduledRun/);
      expect(output.match(/"msg":"tfjs backend: /g)).toHaveLength(1); // started once, by the process
    } catch (error) {
      throw new Error(`${(error as Error).message}\ntrainer output:\n${output}`);
    } finally {
      const sent = Date.now();
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
      expect(Date.now() - sent).toBeLessThan(10_000);
    }
  });
});
