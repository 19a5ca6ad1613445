// Starts the bot service as a real child process (`oracle bot`, or the drain-test fixture) and finds
// the address it logged.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { projectRoot } from "../helpers/paths.ts";

export interface BotProcess {
  child: ChildProcess;
  /** Everything it wrote to stdout and stderr (pino JSON lines). */
  output(): string;
  /** The http://127.0.0.1:PORT it logged once listening. */
  url: Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

/** Run as root, a test that needs file permissions to hold runs the process as `nobody` instead. */
export const runningAsRoot = process.getuid?.() === 0;
export const NOBODY = { uid: 65534, gid: 65534 };

/** `command args` as `nobody` when the tests run as root (root ignores file modes), else as is. */
export function unprivileged(command: string, args: string[]): [string, string[]] {
  return runningAsRoot
    ? ["setpriv", [`--reuid=${NOBODY.uid}`, `--regid=${NOBODY.gid}`, "--clear-groups", command, ...args]]
    : [command, args];
}

export function spawnBot(
  how: "oracle bot" | "fixture",
  databaseUrl: string,
  env: Record<string, string> = {},
  opts: { unprivileged?: boolean } = {},
): BotProcess {
  const args =
    how === "oracle bot"
      ? [path.join(projectRoot, "bin/oracle.js"), "bot"]
      : ["--import", "tsx", path.join(projectRoot, "test/bot/bot-process.ts")];
  const [command, argv] = opts.unprivileged ? unprivileged(process.execPath, args) : [process.execPath, args];
  const child = spawn(command, argv, {
    cwd: projectRoot,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      DATABASE_URL: databaseUrl,
      PORT: "0",
      BOT_HOST: "127.0.0.1",
      BOT_BACKEND: "wasm",
      BOT_MODEL_POLL_SECONDS: "0.2",
      LOG_LEVEL: "info",
      ...env,
    },
  });
  let output = "";
  let onLine: ((line: string) => void) | undefined;
  const url = new Promise<string>((resolve, reject) => {
    onLine = (line) => {
      try {
        const entry = JSON.parse(line) as { msg?: string; url?: string };
        if (entry.url && entry.msg?.startsWith("bot service listening")) resolve(entry.url);
      } catch {
        /* not a log line */
      }
    };
    child.on("exit", (code) => reject(new Error(`bot exited (${code}) before listening:\n${output.slice(-3000)}`)));
  });
  url.catch(() => {});
  let partial = "";
  const take = (d: Buffer) => {
    output += d.toString();
    partial += d.toString();
    const lines = partial.split("\n");
    partial = lines.pop()!;
    for (const l of lines) onLine?.(l);
  };
  child.stdout.on("data", take);
  child.stderr.on("data", take);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) => {
    child.on("exit", (code, signal) => resolve({ code, signal, at: Date.now() }));
  });
  return { child, output: () => output, url, exited };
}
