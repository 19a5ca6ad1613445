// Some tests drive a system program (Debian's chromium, docker-compose). `npm test` on a machine
// without one skips those tests and says why; CI (CI=true), whose .ci/run installs them, never skips.
import { spawnSync } from "node:child_process";

/** Whether a program runs at all (found on PATH, or an absolute path that exists). */
export function hasProgram(program: string, args: string[] = ["--version"]): boolean {
  return spawnSync(program, args, { stdio: "ignore" }).error === undefined;
}

/** True when the tests needing `program` should be skipped here; says so once on stderr. */
export function skipWithout(program: string, present: boolean, install: string): boolean {
  if (present || process.env.CI === "true") return false;
  process.stderr.write(`skipping the tests that need ${program}: not installed (${install})\n`);
  return true;
}
