import { execFile } from "node:child_process";
import path from "node:path";
import { testGloveCacheDir } from "./config.ts";
import { projectRoot, testCorpusPath } from "./paths.ts";
import { expect } from "vitest";

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real `oracle` command in a child process with test-sized settings; `env` wins. */
export function runOracle(args: string[], env: Record<string, string> = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.join(projectRoot, "bin/oracle.js"), ...args],
      {
        cwd: projectRoot,
        env: {
          PATH: process.env.PATH ?? "",
          HOME: process.env.HOME ?? "",
          CORPUS_PATH: testCorpusPath,
          GLOVE_CACHE_DIR: testGloveCacheDir,
          TRAIN_THREADS: "1",
          TRAINER_EVAL_SAMPLES: "5",
          // As testConfig: slice models need not pass the quality gate, which has its own tests.
          TRAINER_QUALITY_GATE: "false",
          LOG_LEVEL: "warn",
          ...env,
        },
        timeout: 120_000,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** True when the text carries a JavaScript stack trace (users must never see one). */
export const hasStackTrace = (text: string) => /^\s+at .+\(.*:\d+:\d+\)$/m.test(text);

/** Every user mistake: a short message on stderr, exit code 1, no stack trace. */
export async function expectUserError(
  args: string[],
  env: Record<string, string>,
  message: RegExp,
): Promise<RunResult> {
  const r = await runOracle(args, env);
  expect(r.code, r.stderr).toBe(1);
  expect(r.stderr).toMatch(message);
  expect(hasStackTrace(r.stderr)).toBe(false);
  return r;
}
