import { mkdtemp, readdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { UserError } from "../../../core/errors.ts";
import { checkGloveSource, loadGloveVectors, readGloveTextFile } from "../../../core/glove/index.ts";

const GLOVE = ["the 0.1 0.2 0.3", "king -1.5 2.25 0.5", ", 0.01 0.02 0.03", "queen 1e-3 -2 4", ""].join("\n");

async function fixture(content = GLOVE): Promise<{ dir: string; file: string; cacheDir: string }> {
  const dir = await mkdtemp(path.join(tmpdir(), "glove-"));
  const file = path.join(dir, "glove.6B.3d.txt");
  await writeFile(file, content);
  return { dir, file, cacheDir: path.join(dir, "cache") };
}

describe("GloVe text file source", () => {
  it("reads the vectors of the vocabulary's words, then serves them from the cache", async () => {
    const { file, cacheDir } = await fixture();
    const words = ["<break>", "the", "king", "prophet", ","];
    const cold = await loadGloveVectors({ source: file, words, cacheDir });
    expect(cold.fromCache).toBe(false);
    expect(cold.dim).toBe(3);
    expect([...cold.vectors.keys()].sort()).toEqual([",", "king", "the"]);
    expect([...cold.vectors.get("king")!]).toEqual([-1.5, 2.25, 0.5]);
    expect(await readdir(cacheDir)).toHaveLength(1);

    const warm = await loadGloveVectors({ source: file, words, cacheDir });
    expect(warm.fromCache).toBe(true);
    expect(warm.sourceId).toBe(cold.sourceId);
    expect(new Map([...warm.vectors].map(([w, v]) => [w, [...v]]))).toEqual(
      new Map([...cold.vectors].map(([w, v]) => [w, [...v]])),
    );
  });

  it("keys the cache by vocabulary and by the file's content", async () => {
    const { file, cacheDir } = await fixture();
    await loadGloveVectors({ source: file, words: ["the"], cacheDir });
    expect((await loadGloveVectors({ source: file, words: ["the", "queen"], cacheDir })).fromCache).toBe(false);
    await writeFile(file, GLOVE.replace("the 0.1", "the 0.9") + "extra 1 2 3\n");
    const changed = await loadGloveVectors({ source: file, words: ["the"], cacheDir });
    expect(changed.fromCache).toBe(false);
    expect(changed.vectors.get("the")![0]).toBeCloseTo(0.9);
  });

  it("a damaged cache file is ignored and rewritten", async () => {
    const { file, cacheDir } = await fixture();
    await loadGloveVectors({ source: file, words: ["king"], cacheDir });
    const [name] = await readdir(cacheDir);
    await writeFile(path.join(cacheDir, name), "garbage");
    const again = await loadGloveVectors({ source: file, words: ["king"], cacheDir });
    expect(again.fromCache).toBe(false);
    expect([...again.vectors.get("king")!]).toEqual([-1.5, 2.25, 0.5]);
    expect((await loadGloveVectors({ source: file, words: ["king"], cacheDir })).fromCache).toBe(true);
  });

  it("a line with a missing value is a UserError naming the file and line number", async () => {
    const { file, cacheDir } = await fixture(GLOVE.replace("queen 1e-3 -2 4", "queen 1e-3 -2"));
    const error = await loadGloveVectors({ source: file, words: ["the"], cacheDir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toContain(file);
    expect((error as UserError).message).toMatch(/line 4\b/);
  });

  it("a value that is not a number is a UserError naming the line", async () => {
    const { file, cacheDir } = await fixture(GLOVE.replace("king -1.5", "king abc"));
    await expect(loadGloveVectors({ source: file, words: ["the"], cacheDir })).rejects.toThrow(/line 2\b.*"abc"/);
  });

  it("a missing file is a UserError", async () => {
    const { dir, cacheDir } = await fixture();
    const missing = path.join(dir, "glove.6B.300d.txt");
    const error = await loadGloveVectors({ source: missing, words: ["the"], cacheDir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toContain(missing);
  });

  it("a directory is named as a directory, not as a missing file", async () => {
    const { dir, cacheDir } = await fixture();
    await expect(checkGloveSource(dir)).rejects.toThrow(`GLOVE_SOURCE is a directory, not a GloVe file: ${dir}`);
    await expect(loadGloveVectors({ source: dir, words: ["the"], cacheDir })).rejects.toThrow(/is a directory/);
  });

  it("refuses a file whose vectors do not have the size its name says", async () => {
    const { dir, cacheDir } = await fixture();
    const file = path.join(dir, "glove.6B.100d.txt");
    await writeFile(file, `the ${Array(50).fill("0.1").join(" ")}\nking ${Array(50).fill("0.2").join(" ")}\n`);
    await expect(checkGloveSource(file)).rejects.toThrow(
      `GloVe file ${file} holds 50-number vectors, but its name says 100-d.`,
    );
    await expect(loadGloveVectors({ source: file, words: ["the"], cacheDir })).rejects.toThrow(UserError);
    await expect(readGloveTextFile(file, ["the"], 100)).rejects.toThrow(
      /holds 50-number vectors, but its name says 100-d/,
    );
    // The 3-d fixture is what its name says.
    await expect(checkGloveSource((await fixture()).file)).resolves.toBeUndefined();
  });
});
