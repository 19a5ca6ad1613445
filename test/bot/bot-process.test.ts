import http from "node:http";
import net from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Db } from "../../core/db/client.ts";
import { silentLogger } from "../../core/logger.ts";
import { initBackend } from "../../core/tf/backend.ts";
import { trainVersion } from "../../core/training/train-version.ts";
import { testConfig } from "../helpers/config.ts";
import { scratchSqlite, type ScratchDatabase } from "../helpers/db.ts";
import { waitFor } from "../helpers/wait.ts";
import { spawnBot, type BotProcess } from "./spawn-bot.ts";

const waitForOutput = (bot: BotProcess, pattern: RegExp, timeout = 20_000) =>
  waitFor(`${pattern}`, () => pattern.test(bot.output()), { timeout, detail: () => bot.output().slice(-2000) });

/** The "tfjs backend: …" lines a process logged: one per start of the backend. */
const backendStarts = (output: string) => output.match(/"msg":"tfjs backend: /g)?.length ?? 0;

/** One GET on a fresh connection (no keep-alive pool), so "refused" means the listener is closed. */
function get(url: string): Promise<{ status: number; body: unknown; at: number }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false }, (res) => {
        let text = "";
        res.on("data", (d) => {
          text += d;
        });
        res.on("end", () => resolve({ status: res.statusCode!, body: JSON.parse(text), at: Date.now() }));
      })
      .on("error", reject);
  });
}

describe("oracle bot as a process [sqlite]", () => {
  let scratch: ScratchDatabase;
  let db: Db;
  let procs: BotProcess[] = [];
  const start = (how: "oracle bot" | "fixture", env?: Record<string, string>) => {
    const p = spawnBot(how, scratch.url, env);
    procs.push(p);
    return p;
  };
  beforeAll(async () => {
    scratch = scratchSqlite();
    db = await openDatabase(scratch.url, { migrate: true });
  });
  afterEach(() => {
    for (const p of procs) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill("SIGKILL");
    procs = [];
  });
  afterAll(async () => {
    await db?.close();
    await scratch?.drop();
  });

  it("answers /healthz and /readyz over HTTP (503 before a model, 200 once one is trained), exits 0 on SIGTERM", async () => {
    const bot = start("oracle bot");
    const url = await bot.url;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await get(`${url}/healthz`)).toMatchObject({ status: 200, body: { ok: true } });
    const notReady = await get(`${url}/readyz`);
    expect(notReady).toMatchObject({ status: 503, body: { ready: false } });
    expect((notReady.body as { reason: string }).reason).toMatch(/model/i);

    // A tiny model, trained by another process's code path into the same database.
    await initBackend({ preference: "wasm" });
    const config = testConfig(scratch.url, { trainer: { promotionTolerance: 10, evalSamples: 0 } });
    const { version } = await trainVersion({ db, config, log: silentLogger }, { maxDocuments: 30 });

    const ready = await waitFor(
      "/readyz 200",
      async () => {
        const r = await get(`${url}/readyz`);
        return r.status === 200 && r;
      },
      { timeout: 15_000, interval: 100, detail: () => bot.output().slice(-2000) },
    );
    expect(ready.body).toEqual({ ready: true, modelVersion: version });
    // The backend started once, at process start (not again when the first model loaded).
    expect(backendStarts(bot.output())).toBe(1);

    const sent = Date.now();
    bot.child.kill("SIGTERM");
    const exit = await bot.exited;
    expect(exit, bot.output().slice(-2000)).toMatchObject({ code: 0, signal: null });
    expect(exit.at - sent).toBeLessThan(10_000);
    expect(bot.output()).toMatch(/bot service stopped/);
  }, 180_000);

  it("SIGTERM while a slow request is in flight: the listener closes, the request completes, then exit 0", async () => {
    const bot = start("fixture", { BOT_DRAIN_SECONDS: "10" });
    const url = await bot.url;
    // Ready once the model's sampling threads are up.
    await waitFor("/readyz 200", async () => (await get(`${url}/readyz`)).status === 200, {
      timeout: 15_000,
      interval: 50,
      detail: () => bot.output().slice(-2000),
    });

    const slow = get(`${url}/test/slow?ms=2500`);
    await waitForOutput(bot, /slow request started/);
    const sent = Date.now();
    bot.child.kill("SIGTERM");
    // The listener closes while the slow request is still being answered.
    await waitFor("the listener closed", () =>
      get(`${url}/healthz`).then(
        () => false,
        (err: Error) => /ECONNREFUSED/.test(err.message),
      ),
    );

    const answered = await slow;
    expect(answered.status).toBe(200);
    expect(answered.body).toMatchObject({ sleptMs: 2500 });
    const exit = await bot.exited;
    expect(exit, bot.output().slice(-2000)).toMatchObject({ code: 0, signal: null });
    expect(exit.at).toBeGreaterThanOrEqual(answered.at - 50);
    expect(exit.at - sent).toBeLessThan(10_000);
    // The drained command got its one log line.
    expect(bot.output()).toMatch(/"command":"GET \/test\/slow".*"outcome":"ok"/);
  }, 60_000);

  it("work that outlasts BOT_DRAIN_SECONDS is abandoned: exit 0 once the drain time is over", async () => {
    const bot = start("fixture", { BOT_DRAIN_SECONDS: "1" });
    const url = await bot.url;
    const slow = get(`${url}/test/slow?ms=30000`).catch((err: Error) => err);
    await waitForOutput(bot, /slow request started/);
    const sent = Date.now();
    bot.child.kill("SIGTERM");
    const exit = await bot.exited;
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(exit.at - sent).toBeGreaterThanOrEqual(900);
    expect(exit.at - sent).toBeLessThan(6_000);
    expect(bot.output()).toMatch(/drain time over/);
    expect(await slow).toBeInstanceOf(Error); // the connection went with the process
  }, 60_000);

  it("a failed start goes through the one error path: a bug (the port taken) exits 2 with its stack, a bad setting 1", async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    try {
      const port = String((taken.address() as net.AddressInfo).port);
      const bug = start("fixture", { PORT: port });
      expect((await bug.exited).code, bug.output().slice(-2000)).toBe(2);
      expect(bug.output()).toMatch(/internal error: .*EADDRINUSE/);
      expect(bug.output()).toMatch(/\n\s+at /); // the stack, for whoever fixes it
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
    const user = start("fixture", { BOT_DRAIN_SECONDS: "soon" });
    expect((await user.exited).code, user.output().slice(-2000)).toBe(1);
    expect(user.output()).toMatch(/^error: Invalid configuration:\n.*BOT_DRAIN_SECONDS/m);
    expect(user.output()).not.toMatch(/\n\s+at /);
  }, 60_000);
});
