// `oracle config --docs` as a process: every setting of every group (the bot's surfaces included),
// each with its environment name, its default and a description.
import { execFileSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { spec } from "../../config/schema.ts";
import { projectRoot } from "../helpers/paths.ts";

describe("oracle config --docs", () => {
  it("documents every setting, the bot, discord, slack and web groups included", () => {
    const out = execFileSync(process.execPath, [path.join(projectRoot, "bin/oracle.js"), "config", "--docs"], {
      cwd: projectRoot,
      encoding: "utf8",
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "" },
    });
    const rows = new Map(
      out
        .split("\n")
        .filter((l) => l.startsWith("| `"))
        .map((l) => [l.split("`")[1], l]),
    );
    for (const group of ["bot", "discord", "slack", "web"]) expect(Object.keys(spec), group).toContain(group);
    let count = 0;
    for (const [group, keys] of Object.entries(spec)) {
      for (const [key, s] of Object.entries(keys as Record<string, { env: string; doc: string }>)) {
        const row = rows.get(s.env);
        expect(row, `${group}.${key} (${s.env})`).toBeDefined();
        expect(row).toContain(`| ${group}.${key} |`);
        expect(row).toContain(s.doc);
        count++;
      }
    }
    expect(rows.size).toBe(count);
    expect(rows.get("PORT")).toContain("| 3000 |");
    expect(rows.get("DISCORD_SHARDS")).toBeDefined();
  });
});
