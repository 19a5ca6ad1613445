// Entry point of the `oracle` command: builds the program, runs it, turns errors into exit codes.
import { buildProgram } from "./program.ts";
import { createContext } from "./context.ts";
import { reportError } from "./report-error.ts";

const context = createContext(process.env);
try {
  await buildProgram(context).parseAsync(process.argv);
} catch (error) {
  process.exitCode = reportError(error, context.stderr);
} finally {
  await context.close();
}
