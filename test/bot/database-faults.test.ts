// Issue 18, items 1 and 2: a database that turns read-only or vanishes under a running bot. The bot
// is a real `oracle bot` process; /readyz and every request must say 503 with the reason within 5 s,
// log one short line, and a restart must neither serve nor recreate a database that is gone.
import { execFile } from "node:child_process";
import { chmodSync, chownSync, existsSync, readdirSync, rmSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../core/db/client.ts";
import { sqlitePath } from "../../core/db/provider.ts";
import { scratchDatabase, testProviders, type ScratchDatabase } from "../helpers/db.ts";
import { projectRoot, testPostgresAdminUrl } from "../helpers/paths.ts";
import { trainTinyModel } from "./web/fixture.ts";
import { NOBODY, runningAsRoot, spawnBot, unprivileged, type BotProcess } from "./spawn-bot.ts";

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

async function get(url: string): Promise<Answer> {
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function askWeb(url: string): Promise<Answer> {
  const res = await fetch(`${url}/api/prophecies`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ temperature: 1 }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: testPostgresAdminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

const databaseName = (url: string) => new URL(url).pathname.slice(1);

/** What the process said besides its JSON log lines (the backend's start is logged before the database opens). */
const saidPlainly = (bot: BotProcess) =>
  bot
    .output()
    .trim()
    .split("\n")
    .filter((l) => !l.startsWith("{"));

/** Every log line the bot wrote is short: no Prisma source, no stack of a database error. */
function expectShortLogLines(bot: BotProcess) {
  for (const line of bot.output().split("\n")) expect(line.length, line.slice(0, 300)).toBeLessThan(2_000);
}

for (const provider of testProviders) {
  describe(`a database that turns read-only or vanishes under a running bot [${provider}]`, () => {
    let scratch: ScratchDatabase;
    let bots: BotProcess[] = [];
    const sqlite = provider === "sqlite";
    const file = () => sqlitePath(scratch.url);

    const start = (env: Record<string, string> = {}) => {
      // File modes bind only a user that is not root.
      const bot = spawnBot("oracle bot", scratch.url, env, { unprivileged: sqlite });
      bots.push(bot);
      return bot;
    };

    beforeAll(async () => {
      scratch = await scratchDatabase(provider);
      const db = await openDatabase(scratch.url, { migrate: true });
      await trainTinyModel(db);
      await db.close();
      if (sqlite && runningAsRoot) {
        const dir = path.dirname(file());
        chownSync(dir, NOBODY.uid, NOBODY.gid);
        for (const f of readdirSync(dir)) chownSync(path.join(dir, f), NOBODY.uid, NOBODY.gid);
      }
    }, 180_000);
    afterEach(() => {
      for (const b of bots) if (b.child.exitCode === null && b.child.signalCode === null) b.child.kill("SIGKILL");
      bots = [];
      // A failed test must not leave the next one a read-only database.
      if (sqlite && existsSync(path.dirname(file()))) {
        chmodSync(path.dirname(file()), 0o755);
        for (const f of readdirSync(path.dirname(file()))) chmodSync(path.join(path.dirname(file()), f), 0o644);
      }
    });
    afterAll(async () => {
      if (sqlite) chmodSync(path.dirname(file()), 0o755);
      await scratch?.drop();
    });

    it("turned read-only: /readyz and a prophecy request answer 503 with the reason within 5 s; one short log line", async () => {
      const bot = start();
      const url = await bot.url;
      await expect.poll(async () => (await get(`${url}/readyz`)).status, { timeout: 30_000 }).toBe(200);
      expect((await askWeb(url)).status).toBe(201);

      const changed = Date.now();
      if (sqlite) {
        const dir = path.dirname(file());
        for (const f of readdirSync(dir)) chmodSync(path.join(dir, f), 0o444);
        chmodSync(dir, 0o555);
      } else {
        const name = databaseName(scratch.url);
        await admin(`ALTER DATABASE ${name} SET default_transaction_read_only = on`);
        // New sessions take the setting: end the bot's open ones, as a failover would.
        await admin(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${name}'`);
      }
      try {
        await expect.poll(async () => (await get(`${url}/readyz`)).status, { timeout: 5_000, interval: 100 }).toBe(503);
        expect(Date.now() - changed).toBeLessThan(5_000);
        const ready = await get(`${url}/readyz`);
        expect(ready.body).toMatchObject({ ready: false });
        expect(String(ready.body.reason)).toMatch(/read-only/);
        const asked = await askWeb(url);
        expect(asked.status, JSON.stringify(asked.body)).toBe(503);
        expect(String(asked.body.error)).toMatch(/read-only/);
        expect(bot.output()).not.toMatch(/oracle stumbled/);
        expectShortLogLines(bot);
      } finally {
        if (!sqlite) await admin(`ALTER DATABASE ${databaseName(scratch.url)} SET default_transaction_read_only = off`);
      }
      if (sqlite) {
        // Started on the read-only files: one line saying so, exit 1 (never "ready" while writes fail).
        try {
          const again = start();
          const exit = await again.exited;
          expect(exit.code, again.output()).toBe(1);
          expect(saidPlainly(again)).toHaveLength(1);
          expect(again.output()).toMatch(/read-only/);
        } finally {
          chmodSync(path.dirname(file()), 0o755);
          for (const f of readdirSync(path.dirname(file()))) chmodSync(path.join(path.dirname(file()), f), 0o644);
        }
      }
    }, 120_000);

    it("the CLI on a read-only database: one line, exit 1, no stack and no Prisma text", async () => {
      const name = databaseName(scratch.url);
      if (sqlite) {
        chmodSync(file(), 0o444);
        chmodSync(path.dirname(file()), 0o555);
      } else await admin(`ALTER DATABASE ${name} SET default_transaction_read_only = on`);
      try {
        const [command, args] = sqlite
          ? unprivileged(process.execPath, [path.join(projectRoot, "bin/oracle.js"), "prophecy"])
          : [process.execPath, [path.join(projectRoot, "bin/oracle.js"), "prophecy"]];
        const result = await runCommand(command, args, { DATABASE_URL: scratch.url, BOT_BACKEND: "wasm" });
        expect(result.code, result.stderr).toBe(1);
        expect(result.stderr).toMatch(/read-only/);
        expect(result.stderr).not.toMatch(/internal error|prisma|\n\s+at /i);
        expect(result.stderr.length).toBeLessThan(400);
      } finally {
        if (sqlite) {
          chmodSync(path.dirname(file()), 0o755);
          chmodSync(file(), 0o644);
        } else await admin(`ALTER DATABASE ${name} SET default_transaction_read_only = off`);
      }
    }, 120_000);

    it("deleted: 503 within 5 s, nothing answered 201 for rows that are gone; a restart refuses and creates nothing", async () => {
      const bot = start();
      const url = await bot.url;
      await expect.poll(async () => (await get(`${url}/readyz`)).status, { timeout: 30_000 }).toBe(200);

      const removed = Date.now();
      if (sqlite) for (const suffix of ["", "-wal", "-shm"]) rmSync(`${file()}${suffix}`, { force: true });
      else await admin(`DROP DATABASE IF EXISTS ${databaseName(scratch.url)} WITH (FORCE)`);
      await expect.poll(async () => (await get(`${url}/readyz`)).status, { timeout: 5_000, interval: 100 }).toBe(503);
      expect(Date.now() - removed).toBeLessThan(5_000);
      expect(String((await get(`${url}/readyz`)).body.reason)).toMatch(/gone|does not exist|unreachable/);
      const asked = await askWeb(url);
      expect(asked.status, JSON.stringify(asked.body)).toBe(503);
      expectShortLogLines(bot);
      bot.child.kill("SIGTERM");
      await bot.exited;

      const again = start();
      const exit = await again.exited;
      expect(exit.code, again.output()).toBe(1);
      // One line saying what is wrong (PostgreSQL's adds a hint line: create the database, or fix the URL).
      expect(saidPlainly(again).length).toBeLessThanOrEqual(sqlite ? 1 : 2);
      if (sqlite) {
        expect(again.output()).toMatch(/restore it|gone/i);
        expect(existsSync(file())).toBe(false);
      }
    }, 120_000);
  });
}

function runCommand(
  command: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      { cwd: projectRoot, env: { PATH: process.env.PATH ?? "", HOME: "/tmp", LOG_LEVEL: "warn", ...env } },
      (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}
