import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createContext } from "../../cli/context.ts";
import { buildProgram } from "../../cli/program.ts";
import { projectRoot } from "../helpers/paths.ts";

const readme = readFileSync(path.join(projectRoot, "README.md"), "utf8");

describe("README", () => {
  const program = buildProgram(createContext({}));

  it("lists every flag each command's help lists, in that command's row", () => {
    const missing: string[] = [];
    for (const command of program.commands) {
      const rows = readme.split("\n").filter((line) => line.startsWith(`| \`oracle ${command.name()}`));
      if (rows.length === 0) missing.push(`oracle ${command.name()} (no row)`);
      for (const option of command.options) {
        if (option.long && !rows.some((row) => row.includes(option.long!)))
          missing.push(`oracle ${command.name()} ${option.long}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it("documents the global flags", () => {
    for (const option of program.options) expect(readme).toContain(option.long!);
  });
});
