// The README's promise to a new user: two commands, and `npm start` on a fresh checkout fetches the
// corpus (here from a local URL), checks its sha256, never replaces one that is there, and serves.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { testGloveCacheDir } from "../helpers/config.ts";
import { projectRoot, testCorpusPath } from "../helpers/paths.ts";
import { waitFor } from "../helpers/wait.ts";

const readme = readFileSync(path.join(projectRoot, "README.md"), "utf8");

describe("README set-up", () => {
  it("is two commands: npm install, npm start", () => {
    const section = readme.slice(readme.indexOf("## Set up and run"));
    const block = /```sh\n([\s\S]*?)```/.exec(section)![1];
    const commands = block
      .split("\n")
      .map((line) => line.replace(/#.*$/, "").trim())
      .filter(Boolean);
    expect(commands).toEqual(["npm install", "npm start"]);
    expect(section.slice(0, section.indexOf("```sh"))).toMatch(/Two commands/);
  });

  describe("npm start on a checkout with no corpus", () => {
    const corpus = readFileSync(testCorpusPath);
    const sha256 = createHash("sha256").update(corpus).digest("hex");
    let checkout: string;
    let server: Server;
    let corpusUrl: string;
    let downloads = 0;

    beforeAll(async () => {
      // A checkout as git leaves it: the project's files (node_modules installed), no corpus, no data, no .env.
      checkout = mkdtempSync(path.join(tmpdir(), "oracle-checkout-"));
      for (const entry of readdirSync(projectRoot)) {
        if (["corpus", "data", ".env", ".git"].includes(entry)) continue;
        symlinkSync(path.join(projectRoot, entry), path.join(checkout, entry));
      }
      server = createServer((request, response) => {
        if (request.url !== "/quatrains.txt") return void response.writeHead(404).end();
        downloads++;
        response.writeHead(200, { "content-type": "text/plain" }).end(corpus);
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      corpusUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/quatrains.txt`;
    });
    afterAll(async () => {
      await new Promise((resolve) => server?.close(resolve));
      if (checkout) rmSync(checkout, { recursive: true, force: true });
    });

    /** `npm start` in the checkout until it serves (then SIGTERM) or exits; resolves with what it said. */
    function npmStart(env: Record<string, string>) {
      const child = spawn("npm", ["start", "--silent"], {
        cwd: checkout,
        detached: true, // its own process group: npm and the node it starts stop together
        stdio: ["ignore", "pipe", "pipe"],
        env: {
          PATH: process.env.PATH ?? "",
          HOME: process.env.HOME ?? "",
          PORT: "0",
          BOT_HOST: "127.0.0.1",
          CORPUS_URL: corpusUrl,
          CORPUS_SHA256: sha256,
          // The first training starts in the background; keep it small until SIGTERM ends it.
          GLOVE_CACHE_DIR: testGloveCacheDir,
          TRAIN_THREADS: "1",
          ...env,
        },
      });
      let output = "";
      child.stdout.on("data", (d: Buffer) => (output += d.toString()));
      child.stderr.on("data", (d: Buffer) => (output += d.toString()));
      const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
      // The address it serves on, or null once it has exited without serving.
      const served = waitFor(
        "npm start to serve, or to exit",
        () => {
          const url = /oracle serving on (http:\/\/[\d.:]+)/.exec(output)?.[1];
          if (url) return { url };
          return child.exitCode === null && child.signalCode === null ? undefined : { url: null };
        },
        { timeout: 100_000, interval: 100, detail: () => output },
      ).then((r) => r.url);
      /** SIGTERM to the whole group (npm, its shell, `oracle serve`); SIGKILL if it outlives 15 s. */
      const stop = async () => {
        const group = -child.pid!;
        const alive = () => {
          try {
            process.kill(group, 0);
            return true;
          } catch {
            return false;
          }
        };
        if (alive()) process.kill(group, "SIGTERM");
        const gone = await vi
          .waitUntil(() => !alive(), { timeout: 15_000, interval: 100 })
          .then(
            () => true,
            () => false,
          );
        if (!gone && alive()) process.kill(group, "SIGKILL");
      };
      return { served, exited, stop, output: () => output };
    }

    it("fetches it from CORPUS_URL, checks its sha256, and serves", async () => {
      const run = npmStart({});
      try {
        const url = await run.served;
        expect(url, run.output()).toBeTruthy();
        expect(downloads).toBe(1);
        expect(readFileSync(path.join(checkout, "corpus", "quatrains.txt"))).toEqual(corpus);
        expect(run.output()).toMatch(/corpus fetched/);
        expect((await fetch(`${url}/healthz`)).status).toBe(200);
        const page = await fetch(`${url}/`);
        expect(page.status).toBe(200);
        expect(await page.text()).toContain("Ask the oracle");
      } finally {
        await run.stop();
      }
    }, 120_000);

    it("never replaces a corpus that is there, the user's own included", async () => {
      const own = path.join(checkout, "corpus", "quatrains.txt");
      writeFileSync(own, `${corpus.toString("utf8").split("\n").slice(0, 60).join("\n")}\n`);
      const before = readFileSync(own);
      const run = npmStart({});
      try {
        expect(await run.served, run.output()).toBeTruthy();
        expect(downloads).toBe(1); // no second download
        expect(readFileSync(own)).toEqual(before);
      } finally {
        await run.stop();
      }
    }, 120_000);

    it("refuses a download whose sha256 differs, and offline says in one line how to give a local file", async () => {
      rmSync(path.join(checkout, "corpus"), { recursive: true, force: true });
      rmSync(path.join(checkout, "data"), { recursive: true, force: true });
      const wrong = npmStart({ CORPUS_SHA256: "0".repeat(64) });
      expect(await wrong.exited).toBe(1);
      expect(wrong.output()).toMatch(/has sha256 [0-9a-f]{64}, expected 0{64}; not saved/);
      const offline = npmStart({ CORPUS_URL: "http://127.0.0.1:2/quatrains.txt" });
      expect(await offline.exited).toBe(1);
      const hint = offline
        .output()
        .split("\n")
        .filter((line) => line.startsWith("hint: "));
      expect(hint).toEqual([
        "hint: Offline? Give a local copy: npx oracle setup --from /path/to/quatrains.txt (or CORPUS_URL=/path/to/quatrains.txt npm start).",
      ]);
      expect(readdirSync(checkout)).not.toContain("corpus");
    }, 120_000);
  });
});
