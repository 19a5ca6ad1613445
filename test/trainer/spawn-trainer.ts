// Starts trainer-process.ts as a real child process against a test database.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { testGloveCacheDir } from "../helpers/config.ts";
import { projectRoot, testCorpusPath } from "../helpers/paths.ts";

export interface TrainerProcess {
  child: ChildProcess;
  pid: number;
  /** Everything it logged (pino JSON lines), for failure messages. */
  log(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

export function spawnTrainer(
  mode: "real" | "fake",
  databaseUrl: string,
  env: Record<string, string> = {},
): TrainerProcess {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", path.join(projectRoot, "test/trainer/trainer-process.ts"), mode],
    {
      cwd: projectRoot,
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        ...process.env,
        DATABASE_URL: databaseUrl,
        CORPUS_PATH: testCorpusPath,
        GLOVE_CACHE_DIR: testGloveCacheDir,
        TRAINER_BACKEND: "wasm",
        TRAIN_THREADS: "1",
        TRAIN_EPOCHS: "1",
        TRAINER_EVAL_SAMPLES: "5",
        TRAINER_POLL_SECONDS: "0.2",
        TRAINER_HEARTBEAT_SECONDS: "0.5",
        TRAINER_LEASE_TIMEOUT_SECONDS: "3",
        LOG_LEVEL: "info",
        ...env,
      },
    },
  );
  let output = "";
  child.stdout.on("data", (d) => {
    output += d;
  });
  child.stderr.on("data", (d) => {
    output += d;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) => {
    child.on("exit", (code, signal) => resolve({ code, signal, at: Date.now() }));
  });
  return { child, pid: child.pid!, log: () => output, exited };
}

/** The runner id a trainer writes on its jobs is host:pid:random. */
export const runnerPid = (runner: string | null) => Number(runner?.split(":").at(-2));
