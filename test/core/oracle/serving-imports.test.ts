import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../../helpers/paths.ts";

/**
 * Training code (as .dependency-cruiser.mjs names it): core/training and core/model's training half.
 */
const TRAINING =
  /^core\/training\/|^core\/model\/(train|gradients|examples|best-weights|evaluate|sequence-training|index)\.ts$/;

/** Every file of ours a fresh Node process resolves while it imports `file` (module hooks see each one). */
function modulesLoadedBy(file: string): string[] {
  const script = `import { registerHooks } from "node:module";
    const seen = [];
    registerHooks({ resolve(specifier, context, next) { const r = next(specifier, context); seen.push(r.url); return r; } });
    await import(${JSON.stringify(pathToFileURL(path.join(projectRoot, file)).href)});
    process.stdout.write(JSON.stringify(seen));`;
  const child = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
    cwd: projectRoot,
    encoding: "utf8",
    timeout: 60_000,
  });
  expect(child.status, child.stderr).toBe(0);
  return (JSON.parse(child.stdout) as string[])
    .filter((url) => url.startsWith("file:"))
    .map((url) => path.relative(projectRoot, fileURLToPath(url)))
    .filter((file) => !file.startsWith(".."));
}

describe("serving loads no training code", () => {
  it("finds the training half through the core/model barrel (the check can fail)", () => {
    const loaded = modulesLoadedBy("core/model/index.ts");
    expect(loaded.filter((file) => TRAINING.test(file))).toEqual(
      expect.arrayContaining(["core/model/train.ts", "core/model/gradients.ts"]),
    );
  });

  it.each(["core/oracle/oracle.ts", "bot/main.ts"])("importing %s loads the sampling side only", (file) => {
    const loaded = modulesLoadedBy(file);
    expect(loaded).toContain("core/model/sample.ts"); // the hook saw the model's files
    expect(loaded.filter((f) => TRAINING.test(f))).toEqual([]);
  });
});
