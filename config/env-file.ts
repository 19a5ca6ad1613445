// `.env` for `npm start` and every `oracle` command, as Docker Compose reads it for the stack: the
// file's settings under the process environment (a variable set in the shell wins). Parsed by
// Node's own parser (util.parseEnv), then given to the one config schema like the environment.
import { readFileSync } from "node:fs";
import path from "node:path";
import { parseEnv } from "node:util";
import { ConfigError } from "./define.ts";

const ENV_FILE = ".env";

/** The environment with `dir/.env` (when there is one) beneath it; `file` says which file was read. */
export function withEnvFile(
  env: Record<string, string | undefined>,
  dir: string = process.cwd(),
): { env: Record<string, string | undefined>; file: string | null } {
  const file = path.join(dir, ENV_FILE);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { env, file: null };
    throw new ConfigError([`${file} cannot be read: ${(error as Error).message}`]);
  }
  return { env: { ...parseEnv(text), ...env }, file };
}
