import { createHash } from "node:crypto";
import { access, mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { DEFAULT_CORPUS_SHA256, DEFAULT_CORPUS_URL } from "../../config/schema.ts";
import { UserError } from "../errors.ts";

/** The default corpus (CORPUS_URL, CORPUS_SHA256 by default). */
export const DEFAULT_CORPUS = { url: DEFAULT_CORPUS_URL, sha256: DEFAULT_CORPUS_SHA256 } as const;

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
    // fetch says only "fetch failed"; the cause says why (ECONNREFUSED, ENOTFOUND, a timeout).
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    throw new UserError(
      `Could not download the corpus from ${source}: ${cause?.code ?? cause?.message ?? (e as Error).message}.`,
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

/**
 * `npm start`'s first step: fetches the corpus to `dest` only when nothing is there. An existing
 * file, the expected one or the user's own, is never replaced (`oracle setup` checks and replaces).
 * Returns null when a file was there already. Offline, the error says how to give a local copy.
 */
export async function ensureCorpus(options: FetchCorpusOptions): Promise<FetchedCorpus | null> {
  try {
    await access(options.dest);
    return null;
  } catch {
    /* missing: fetch it */
  }
  try {
    return await fetchCorpus(options);
  } catch (error) {
    if (!isUrl(options.source) || !(error instanceof UserError) || !/download/i.test(error.message)) throw error;
    throw new UserError(
      `No corpus at ${path.resolve(options.dest)}. ${error.message}`,
      `Offline? Give a local copy: npx oracle setup --from /path/to/quatrains.txt (or CORPUS_URL=/path/to/quatrains.txt npm start).`,
    );
  }
}
