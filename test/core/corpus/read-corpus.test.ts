import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readCorpus } from "../../../core/corpus/index.ts";
import { UserError } from "../../../core/errors.ts";
import { testCorpusPath } from "../../helpers/paths.ts";

describe("readCorpus", () => {
  it("reads the real corpus: one document per line, with its sha256", async () => {
    const corpus = await readCorpus(testCorpusPath);
    expect(corpus.documents).toHaveLength(942);
    expect(corpus.sha256).toBe("1fde869c34e0e7772201bf82cb52c60a08dcc9951ac56c9eef991b284638428b");
    expect(corpus.documents[0]).toMatch(/^Sitting alone at night/);
    expect(corpus.documents.every((d) => d === d.trim() && d.length > 0)).toBe(true);
  });

  it("skips blank lines and accepts CRLF", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "corpus-"));
    const file = path.join(dir, "c.txt");
    await writeFile(file, "first line .\r\n\r\n  \nsecond line\n");
    expect((await readCorpus(file)).documents).toEqual(["first line .", "second line"]);
  });

  it("a missing corpus is a UserError naming where it looked and how to get it", async () => {
    const missing = path.join(tmpdir(), "no-such-dir-oracle", "quatrains.txt");
    const error = await readCorpus(missing).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toContain(missing);
    expect((error as UserError).hint).toMatch(/oracle setup --from PATH/);
    expect((error as UserError).hint).toMatch(/CORPUS_PATH/);
    expect((error as UserError).hint).toMatch(/--corpus/);
  });

  it("an empty (or blank) corpus is a UserError", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "corpus-"));
    const file = path.join(dir, "empty.txt");
    await writeFile(file, "\n   \n");
    const error = await readCorpus(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toMatch(/empty/);
    expect((error as UserError).message).toContain(file);
  });

  it("a file that is not UTF-8 is a UserError", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "corpus-"));
    const file = path.join(dir, "latin1.txt");
    await writeFile(file, Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]));
    await expect(readCorpus(file)).rejects.toThrow(/UTF-8/);
  });
});
