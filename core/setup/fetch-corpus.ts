import { createHash } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { UserError } from "../errors.ts";

/** The default corpus: srowen/quatrains-rnn `quatrains.txt` at a fixed commit (Apache-2.0). */
export const DEFAULT_CORPUS = {
  url: "https://raw.githubusercontent.com/srowen/quatrains-rnn/ddf15751bd14b6387846c9a959dd3d593793c079/quatrains.txt",
  sha256: "1fde869c34e0e7772201bf82cb52c60a08dcc9951ac56c9eef991b284638428b",
} as const;

export interface FetchCorpusOptions {
  /** Where to write the corpus. */
  dest: string;
  /** Source URL (http/https) or a local file path to copy from. */
  source: string;
  /** Expected sha256 (hex); the file is not written when it differs. */
  sha256: string;
}

export interface FetchedCorpus {
  path: string;
  sha256: string;
  bytes: number;
  /** False when dest already held the expected bytes. */
  downloaded: boolean;
  /** How it got there, in words: "downloaded" (a URL), "copied" (a local file) or "already there". */
  obtained: "downloaded" | "copied" | "already there";
}

const sha256Of = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

async function readIfExists(file: string): Promise<Uint8Array | undefined> {
  try {
    return await readFile(file);
  } catch {
    return undefined;
  }
}

const isUrl = (source: string) => /^https?:\/\//.test(source);

async function download(source: string): Promise<Uint8Array> {
  if (!isUrl(source)) {
    const bytes = await readIfExists(source);
    if (!bytes) throw new UserError(`Cannot read the corpus source ${source}.`);
    return bytes;
  }
  let response: Response;
  try {
    response = await fetch(source, { signal: AbortSignal.timeout(60_000) });
  } catch (e) {
    throw new UserError(
      `Could not download the corpus from ${source}: ${(e as Error).message}.`,
      "Check the network, or copy the file yourself and pass --from PATH.",
    );
  }
  if (!response.ok) throw new UserError(`Downloading ${source} failed: HTTP ${response.status}.`);
  return new Uint8Array(await response.arrayBuffer());
}

/**
 * Puts the corpus at `dest`, verified against its sha256. Idempotent: a file already there
 * with the right hash is kept; a wrong one is replaced only by verified bytes.
 */
export async function fetchCorpus(options: FetchCorpusOptions): Promise<FetchedCorpus> {
  const existing = await readIfExists(options.dest);
  if (existing && sha256Of(existing) === options.sha256) {
    return {
      path: options.dest,
      sha256: options.sha256,
      bytes: existing.length,
      downloaded: false,
      obtained: "already there",
    };
  }
  const bytes = await download(options.source);
  const actual = sha256Of(bytes);
  if (actual !== options.sha256) {
    throw new UserError(
      `The corpus from ${options.source} has sha256 ${actual}, expected ${options.sha256}; not saved.`,
    );
  }
  await mkdir(path.dirname(options.dest), { recursive: true });
  const partial = `${options.dest}.partial`;
  await writeFile(partial, bytes);
  await rename(partial, options.dest); // never leave a half-written corpus behind
  return {
    path: options.dest,
    sha256: actual,
    bytes: bytes.length,
    downloaded: true,
    obtained: isUrl(options.source) ? "downloaded" : "copied",
  };
}
