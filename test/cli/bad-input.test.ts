import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { expectUserError } from "../helpers/run-oracle.ts";

const dir = mkdtempSync(path.join(tmpdir(), "oracle-cli-"));
const sqlite = (name: string) => `file:${path.join(dir, `${name}.db`)}`;

describe("oracle on bad input", () => {
  it("names the missing corpus and how to get it", async () => {
    const r = await expectUserError(
      ["train", "--epochs", "1"],
      { DATABASE_URL: sqlite("a"), CORPUS_PATH: "/nowhere/q.txt" },
      /Corpus not found: \/nowhere\/q.txt/,
    );
    expect(r.stderr).toMatch(/oracle setup/);
  });

  it("refuses an empty corpus", async () => {
    const empty = path.join(dir, "empty.txt");
    writeFileSync(empty, "\n\n");
    await expectUserError(["train", "--corpus", empty], { DATABASE_URL: sqlite("b") }, /Corpus is empty/);
  });

  it("points at the malformed GloVe line", async () => {
    const glove = path.join(dir, "glove.6B.50d.txt");
    writeFileSync(glove, `the ${Array(50).fill("0.1").join(" ")}\nking 0.1 oops\n`);
    await expectUserError(
      ["train", "--epochs", "1", "--max-documents", "5"],
      { DATABASE_URL: sqlite("c"), GLOVE_SOURCE: glove, GLOVE_CACHE_DIR: path.join(dir, "cache") },
      /line 2/,
    );
  });

  it("rejects a temperature that is not a number or out of range", async () => {
    await expectUserError(
      ["prophecy", "--temperature", "hot"],
      { DATABASE_URL: sqlite("d") },
      /Temperature must be a number between 0.1 and 2/,
    );
    await expectUserError(["prophecy", "-t", "7"], { DATABASE_URL: sqlite("d") }, /between 0.1 and 2; got 7/);
  });

  it("reports an unreachable database by host", async () => {
    await expectUserError(["models"], { DATABASE_URL: "postgresql://postgres@127.0.0.1:1/oracle" }, /127\.0\.0\.1:1/);
  });

  it("names a bad environment variable", async () => {
    await expectUserError(["models"], { DATABASE_URL: sqlite("e"), TRAIN_EPOCHS: "lots" }, /TRAIN_EPOCHS/);
  });

  it("rejects a bad flag value", async () => {
    await expectUserError(["train", "--epochs", "0"], { DATABASE_URL: sqlite("f") }, /--epochs must be a whole number/);
  });
});
