import { createHash } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import type { WordVectors } from "./types.ts";

const MAGIC = "oracle-glove-cache-v1\n";

/**
 * The cache file for a source and vocabulary: `<cacheDir>/<label>-<sha256(sourceId, words)>.bin`.
 * `sourceId` must change whenever the source's content may (package version, file size and mtime).
 */
export function cacheFile(cacheDir: string, label: string, sourceId: string, words: readonly string[]): string {
  const key = createHash("sha256")
    .update(JSON.stringify([sourceId, words]))
    .digest("hex")
    .slice(0, 32);
  return path.join(cacheDir, `${label.replace(/[^\w.-]+/g, "_")}-${key}.bin`);
}

/**
 * File layout: MAGIC, u32 LE header length, header JSON {sourceId, dim, words (those found)},
 * zero padding to a multiple of 4, then float32 LE [found, dim].
 */
export async function writeVectorCache(file: string, sourceId: string, data: WordVectors): Promise<void> {
  const found = [...data.vectors.keys()];
  const header = Buffer.from(JSON.stringify({ sourceId, dim: data.dim, words: found }));
  const prefix = Buffer.byteLength(MAGIC) + 4 + header.length;
  const padding = (4 - (prefix % 4)) % 4;
  const values = new Float32Array(found.length * data.dim);
  found.forEach((w, i) => values.set(data.vectors.get(w)!, i * data.dim));
  const length = Buffer.alloc(4);
  length.writeUInt32LE(header.length);
  await mkdir(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(
    temp,
    Buffer.concat([Buffer.from(MAGIC), length, header, Buffer.alloc(padding), Buffer.from(values.buffer)]),
  );
  await rename(temp, file); // atomic: a concurrent reader sees the old state or the whole file
}

/** The cached vectors, or undefined when the file is absent, foreign or damaged. */
export async function readVectorCache(file: string, sourceId: string): Promise<WordVectors | undefined> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch {
    return undefined;
  }
  const magicLength = Buffer.byteLength(MAGIC);
  if (bytes.length < magicLength + 4 || bytes.toString("utf8", 0, magicLength) !== MAGIC) return undefined;
  try {
    const headerLength = bytes.readUInt32LE(magicLength);
    const headerStart = magicLength + 4;
    const header = JSON.parse(bytes.toString("utf8", headerStart, headerStart + headerLength)) as {
      sourceId: string;
      dim: number;
      words: string[];
    };
    if (header.sourceId !== sourceId) return undefined;
    const prefix = headerStart + headerLength;
    const dataStart = prefix + ((4 - (prefix % 4)) % 4);
    const expected = header.words.length * header.dim * 4;
    if (bytes.length - dataStart !== expected) return undefined;
    const values = new Float32Array(
      bytes.buffer.slice(bytes.byteOffset + dataStart, bytes.byteOffset + dataStart + expected),
    );
    const vectors = new Map(header.words.map((w, i) => [w, values.subarray(i * header.dim, (i + 1) * header.dim)]));
    return { dim: header.dim, vectors };
  } catch {
    return undefined;
  }
}
