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

/** Shell-quoted, for `script -c`. */
const quoted = (arg: string) => `'${arg.replace(/'/g, `'\\''`)}'`;

/**
 * Runs the real `oracle` command in a child process with test-sized settings; `env` wins.
 * `terminal`: on a pseudo-terminal (util-linux `script`), as a person at a shell; stdout then holds both streams.
 * `cwd`: where it runs (a `.env` there is read), the project by default.
 */
export function runOracle(
  args: string[],
  env: Record<string, string> = {},
  options: { terminal?: boolean; cwd?: string } = {},
): Promise<RunResult> {
  const command = [process.execPath, path.join(projectRoot, "bin/oracle.js"), ...args];
  const [file, argv] = options.terminal
    ? ["script", ["-qefc", command.map(quoted).join(" "), "/dev/null"]]
    : [command[0], command.slice(1)];
  return new Promise((resolve) => {
    execFile(
      file,
      argv,
      {
        cwd: options.cwd ?? projectRoot,
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
