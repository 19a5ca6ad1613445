// `npm start` (= `oracle serve`) on a fresh SQLite file: trains the first model in view, serves it
// once it exists, answers "still learning" and /readyz 503 until then, and exits 0 on SIGTERM.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../core/db/client.ts";
import { testGloveCacheDir } from "../helpers/config.ts";
import { projectRoot, testCorpusPath } from "../helpers/paths.ts";
import { waitFor } from "../helpers/wait.ts";

interface Served {
  output: () => string;
  url: Promise<string>;
  exited: Promise<{ code: number | null; at: number }>;
  kill: (signal: NodeJS.Signals) => void;
}

function serve(env: Record<string, string>): Served {
  const child = spawn(process.execPath, [path.join(projectRoot, "bin/oracle.js"), "serve"], {
    cwd: projectRoot,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      PORT: "0",
      BOT_HOST: "127.0.0.1",
      LOG_LEVEL: "info",
      ...env,
    },
  });
  let output = "";
  let found: ((url: string) => void) | undefined;
  const url = new Promise<string>((resolve, reject) => {
    found = resolve;
    child.on("exit", (code) =>
      reject(new Error(`oracle serve exited (${code}) before listening:\n${output.slice(-3000)}`)),
    );
  });
  url.catch(() => {});
  const take = (d: Buffer) => {
    output += String(d);
    const m = /"msg":"oracle serving on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
    if (m) found?.(m[1]);
  };
  child.stdout.on("data", take);
  child.stderr.on("data", take);
  const exited = new Promise<{ code: number | null; at: number }>((resolve) =>
    child.on("exit", (code) => resolve({ code, at: Date.now() })),
  );
  return { output: () => output, url, exited, kill: (s) => child.kill(s) };
}

describe("oracle serve (npm start) [sqlite]", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "oracle-serve-"));
    // A slice of the real corpus keeps the first training to seconds.
    const lines = (await readFile(testCorpusPath, "utf8")).split("\n").filter(Boolean).slice(0, 40);
    await writeFile(path.join(dir, "slice.txt"), `${lines.join("\n")}\n`);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("with no model, no corpus and no way to download one, says how to give a local file and exits 1", async () => {
    const s = serve({
      DATABASE_URL: `file:${path.join(dir, "empty.db")}`,
      CORPUS_PATH: path.join(dir, "missing.txt"),
      // Offline: nothing answers there.
      CORPUS_URL: "http://127.0.0.1:2/quatrains.txt",
    });
    const exit = await s.exited;
    expect(exit.code).toBe(1);
    expect(s.output()).toMatch(
      /No corpus at .*missing\.txt\. Could not download the corpus from http:\/\/127\.0\.0\.1:2\/quatrains\.txt: ECONNREFUSED\./,
    );
    expect(s.output()).toMatch(
      /^hint: Offline\? Give a local copy: npx oracle setup --from \/path\/to\/quatrains\.txt/m,
    );
    expect(existsSync(path.join(dir, "missing.txt"))).toBe(false);
  }, 60_000);

  it("trains the first model on a fresh SQLite file, /readyz 503 before and 200 after, prophesies, exits 0 on SIGTERM", async () => {
    const dbFile = path.join(dir, "fresh.db");
    const s = serve({
      DATABASE_URL: `file:${dbFile}`,
      CORPUS_PATH: path.join(dir, "slice.txt"),
      GLOVE_CACHE_DIR: testGloveCacheDir,
      TRAIN_EPOCHS: "1",
      TRAIN_THREADS: "1",
      MODEL_GRU_UNITS: "16",
      TRAINER_EVAL_SAMPLES: "0",
      TRAINER_POLL_SECONDS: "0.2",
      BOT_MODEL_POLL_SECONDS: "0.2",
      BOT_BACKEND: "wasm",
      TRAINER_BACKEND: "wasm",
    });
    const url = await s.url;
    const before = await fetch(`${url}/readyz`);
    expect(before.status).toBe(503);
    expect(((await before.json()) as { reason: string }).reason).toMatch(/model/i);
    const early = await fetch(`${url}/api/prophecies`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    if (early.status !== 201) {
      // Unless the first model beat us to it, the user is told to come back.
      expect(early.status).toBe(400);
      expect(((await early.json()) as { error: string }).error).toMatch(/still learning/i);
    }

    const ready = await waitFor(
      "/readyz 200",
      async () => {
        const r = await fetch(`${url}/readyz`);
        return r.status === 200 && r;
      },
      { timeout: 120_000, interval: 200, detail: () => s.output().slice(-3000) },
    );
    expect(await ready.json()).toMatchObject({ ready: true, modelVersion: 1 });
    expect(s.output()).toMatch(/epoch 1 done/);
    // One tfjs backend for the whole process: started once, before both services (it was three times).
    expect(s.output().match(/"msg":"tfjs backend: /g), s.output().slice(-3000)).toHaveLength(1);

    const answer = await fetch(`${url}/api/prophecies`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ temperature: 0.8 }),
    });
    expect(answer.status).toBe(201);
    const prophecy = (await answer.json()) as { id: number; lines: string[]; modelVersion: number };
    expect(prophecy.lines).toHaveLength(4);
    expect(prophecy.modelVersion).toBe(1);

    const sent = Date.now();
    s.kill("SIGTERM");
    const exit = await s.exited;
    expect(exit.code, s.output().slice(-2000)).toBe(0);
    expect(exit.at - sent).toBeLessThan(10_000);
    expect(s.output()).toMatch(/bot service stopped/);
    expect(s.output()).toMatch(/trainer service stopped/);

    // The answered prophecy is in the database the process left behind.
    const db = await openDatabase(`file:${dbFile}`);
    try {
      const rows = await db.prisma.prophecy.findMany({ select: { id: true } });
      expect(rows.map((r: { id: number }) => r.id)).toContain(prophecy.id);
    } finally {
      await db.close();
    }
  }, 180_000);
});
