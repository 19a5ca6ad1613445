import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UserError } from "../../../core/errors.ts";
import { fetchCorpus } from "../../../core/setup/fetch-corpus.ts";

const body = "First quatrain line .\nSecond quatrain line .";
const sha256 = createHash("sha256").update(body).digest("hex");

describe("fetchCorpus", () => {
  let server: Server;
  let base: string;
  let hits = 0;
  const dir = mkdtempSync(path.join(tmpdir(), "oracle-corpus-"));

  beforeAll(async () => {
    server = createServer((req, res) => {
      hits++;
      if (req.url === "/quatrains.txt") res.end(body);
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("downloads, verifies and writes the corpus, then keeps it without downloading again", async () => {
    const dest = path.join(dir, "a", "quatrains.txt");
    const first = await fetchCorpus({ dest, source: `${base}/quatrains.txt`, sha256 });
    expect(first).toMatchObject({ downloaded: true, obtained: "downloaded", sha256, bytes: body.length });
    expect(readFileSync(dest, "utf8")).toBe(body);
    const before = hits;
    const second = await fetchCorpus({ dest, source: `${base}/quatrains.txt`, sha256 });
    expect(second.downloaded).toBe(false);
    expect(hits).toBe(before);
  });

  it("refuses bytes whose sha256 differs and writes nothing", async () => {
    const dest = path.join(dir, "b", "quatrains.txt");
    await expect(fetchCorpus({ dest, source: `${base}/quatrains.txt`, sha256: "0".repeat(64) })).rejects.toThrow(
      /expected 0000/,
    );
    expect(existsSync(dest)).toBe(false);
  });

  it("reports an HTTP failure as a user error", async () => {
    const dest = path.join(dir, "c", "quatrains.txt");
    await expect(fetchCorpus({ dest, source: `${base}/missing.txt`, sha256 })).rejects.toThrow(UserError);
  });

  it("copies from a local file", async () => {
    const src = path.join(dir, "local.txt");
    writeFileSync(src, body);
    const dest = path.join(dir, "d", "quatrains.txt");
    expect(await fetchCorpus({ dest, source: src, sha256 })).toMatchObject({ downloaded: true, obtained: "copied" });
    expect(readFileSync(dest, "utf8")).toBe(body);
    expect((await fetchCorpus({ dest, source: src, sha256 })).obtained).toBe("already there");
  });
});
