import { mkdirSync, mkdtempSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testCorpusPath } from "../helpers/paths.ts";
import { resolveTestCorpus } from "./test-corpus.ts";

/** root/project (the clone), with optional corpus copies in the three places the lookup knows. */
function layout(copies: { setup?: boolean; env?: boolean; shared?: boolean }) {
  const root = mkdtempSync(path.join(tmpdir(), "oracle-lookup-"));
  const projectRoot = path.join(root, "project");
  const put = (file: string) => {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, "x");
    return file;
  };
  const setup = path.join(projectRoot, "corpus", "quatrains.txt");
  const env = path.join(root, "elsewhere", "quatrains.txt");
  const shared = path.join(root, "shared", "corpus", "quatrains.txt");
  mkdirSync(projectRoot, { recursive: true });
  if (copies.setup) put(setup);
  if (copies.env) put(env);
  if (copies.shared) put(shared);
  return { projectRoot, setup, env, shared };
}

describe("resolveTestCorpus", () => {
  let server: Server;
  let base: string;
  let hits = 0;
  const real = readFileSync(testCorpusPath);

  beforeAll(async () => {
    // Stands in for raw.githubusercontent.com: serves the real corpus over real HTTP on loopback.
    server = createServer((req, res) => {
      hits++;
      if (req.url === "/quatrains.txt") res.end(real);
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("prefers corpus/quatrains.txt, then TEST_CORPUS_PATH, then ../shared", async () => {
    const all = layout({ setup: true, env: true, shared: true });
    expect(await resolveTestCorpus({ projectRoot: all.projectRoot, envPath: all.env })).toBe(all.setup);
    const noSetup = layout({ env: true, shared: true });
    expect(await resolveTestCorpus({ projectRoot: noSetup.projectRoot, envPath: noSetup.env })).toBe(noSetup.env);
    const sharedOnly = layout({ shared: true });
    expect(await resolveTestCorpus({ projectRoot: sharedOnly.projectRoot, envPath: sharedOnly.env })).toBe(
      sharedOnly.shared,
    );
  });

  it("downloads it once to corpus/quatrains.txt when there is none, and says so", async () => {
    const none = layout({});
    const lines: string[] = [];
    const before = hits;
    const found = await resolveTestCorpus({
      projectRoot: none.projectRoot,
      source: `${base}/quatrains.txt`,
      log: (l) => lines.push(l),
    });
    expect(found).toBe(none.setup);
    expect(readFileSync(found).equals(real)).toBe(true);
    expect(lines).toEqual([
      expect.stringMatching(/^test corpus not found; downloading it once to corpus\/quatrains\.txt/),
    ]);
    await resolveTestCorpus({
      projectRoot: none.projectRoot,
      source: `${base}/quatrains.txt`,
      log: (l) => lines.push(l),
    });
    expect(hits - before).toBe(1);
    expect(lines).toHaveLength(1);
  });

  it("without a reachable source fails with one line saying how to provide it, and writes nothing", async () => {
    const none = layout({});
    const closed = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, "127.0.0.1", () => {
        const { port } = s.address() as AddressInfo;
        s.close(() => resolve(port));
      });
    });
    const error = await resolveTestCorpus({
      projectRoot: none.projectRoot,
      source: `http://127.0.0.1:${closed}/quatrains.txt`,
      log: () => {},
    }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).not.toContain("\n");
    expect((error as Error).message).toMatch(
      /^No test corpus and it could not be fetched \(.+\): run `npx oracle setup --from PATH`/,
    );
    expect(existsSync(none.setup)).toBe(false);
  });

  it("refuses a download whose sha256 is not the corpus's", async () => {
    const none = layout({});
    await expect(
      resolveTestCorpus({ projectRoot: none.projectRoot, source: `${base}/missing.txt`, log: () => {} }),
    ).rejects.toThrow(/HTTP 404/);
    server.removeAllListeners("request");
    server.on("request", (_req, res) => res.end("not the corpus"));
    await expect(
      resolveTestCorpus({ projectRoot: none.projectRoot, source: `${base}/quatrains.txt`, log: () => {} }),
    ).rejects.toThrow(/expected 1fde869c/);
    expect(existsSync(none.setup)).toBe(false);
  });
});
