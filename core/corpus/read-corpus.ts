import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { UserError } from "../errors.ts";

/** A corpus as read from disk: one document (quatrain) per non-empty line. */
export interface Corpus {
  /** Absolute path it was read from. */
  path: string;
  /** sha256 (hex) of the file's bytes, to tell which corpus a model version was trained on. */
  sha256: string;
  /** The non-empty lines, trimmed, in file order. */
  documents: string[];
}

/** How to get a corpus, for every message about a missing one. */
export const HOW_TO_GET_CORPUS =
  "Run `oracle setup` to fetch the Nostradamus quatrains (or `oracle setup --from PATH` to copy a local file), or set CORPUS_PATH (or pass --corpus) " +
  "to a UTF-8 text file with one document per line.";

/**
 * Reads a UTF-8 corpus file. A missing, unreadable, non-UTF-8 or empty file is a UserError that
 * names the absolute path it looked at and how to get the corpus.
 */
export async function readCorpus(file: string): Promise<Corpus> {
  const absolute = path.resolve(file);
  let bytes: Buffer;
  try {
    bytes = await readFile(absolute);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const what =
      code === "ENOENT" ? "not found" : code === "EISDIR" ? "is a directory" : `unreadable (${code ?? String(e)})`;
    throw new UserError(`Corpus ${what}: ${absolute}`, HOW_TO_GET_CORPUS);
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new UserError(`Corpus is not valid UTF-8: ${absolute}`, HOW_TO_GET_CORPUS);
  }
  const documents = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
  if (documents.length === 0) {
    throw new UserError(`Corpus is empty: ${absolute}`, HOW_TO_GET_CORPUS);
  }
  return { path: absolute, sha256: createHash("sha256").update(bytes).digest("hex"), documents };
}
