// Entry point of the `oracle` command: reads .env, builds the program, runs it, turns errors into exit codes.
import { withEnvFile } from "../config/env-file.ts";
import { buildProgram } from "./program.ts";
import { createContext } from "./context.ts";
import { reportError } from "./report-error.ts";

let env: Record<string, string | undefined> = process.env;
let unreadable: Error | undefined;
try {
  env = withEnvFile(process.env).env;
} catch (error) {
  unreadable = error as Error;
}
const context = createContext(env);
try {
  if (unreadable) throw unreadable;
  await buildProgram(context).parseAsync(process.argv);
} catch (error) {
  process.exitCode = reportError(error, context.stderr);
} finally {
  await context.close();
}
