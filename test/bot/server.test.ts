import { Writable } from "node:stream";
import { pino } from "pino";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../core/db/client.ts";
import { UserError } from "../../core/errors.ts";
import { silentLogger } from "../../core/logger.ts";
import { createOracle } from "../../core/oracle/oracle.ts";
import type { Oracle, Readiness } from "../../core/oracle/types.ts";
import { initBackend } from "../../core/tf/backend.ts";
import { trainVersion } from "../../core/training/train-version.ts";
import { commandRunner } from "../../bot/command-log.ts";
import { APOLOGY } from "../../core/errors.ts";
import { buildServer, type BotServer } from "../../bot/server.ts";
import type { BotSurface } from "../../bot/surface.ts";
import { createTracker, ShuttingDownError } from "../../bot/tracker.ts";
import { testConfig } from "../helpers/config.ts";
import { waitFor } from "../helpers/wait.ts";
import { describeEachDatabase, scratchPostgres, skipPostgres } from "../helpers/db.ts";

/** A pino logger whose JSON lines the test can read. */
function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const l of String(chunk).split("\n")) if (l.trim()) lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  return { log: pino({ level: "info" }, sink), lines };
}

describeEachDatabase("bot server probes on the real oracle", (getDb) => {
  let oracle: Oracle;
  let server: BotServer;
  beforeAll(async () => {
    await initBackend({ preference: "wasm" });
    const config = testConfig(getDb().url, {
      trainer: { promotionTolerance: 10, evalSamples: 0 },
      bot: { modelPollSeconds: 0.05 },
    });
    oracle = createOracle({ db: getDb(), config, log: silentLogger });
    server = await buildServer({ log: silentLogger, tracker: createTracker(), readiness: () => oracle.readiness() });
  });
  afterAll(async () => {
    await server?.app.close();
    await oracle?.close();
  });

  it("/healthz: the process is alive", async () => {
    const res = await server.app.inject({ method: "GET", url: "/healthz" });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ ok: true });
  });

  it("/readyz: 503 with the reason before the first model, 200 with its version once one is current", async () => {
    const before = await server.app.inject({ method: "GET", url: "/readyz" });
    expect(before.statusCode).toBe(503);
    const readyz = before.json<{ ready: boolean; reason: string }>();
    expect(readyz.ready).toBe(false);
    expect(readyz.reason).toMatch(/model/i);

    const config = testConfig(getDb().url, { trainer: { promotionTolerance: 10, evalSamples: 0 } });
    const { version } = await trainVersion({ db: getDb(), config, log: silentLogger }, { maxDocuments: 30 });
    expect(version).toBeGreaterThan(0);

    const after = await waitFor(
      "/readyz 200",
      async () => {
        const r = await server.app.inject({ method: "GET", url: "/readyz" });
        return r.statusCode === 200 && r;
      },
      { interval: 100 },
    );
    expect(after.json()).toEqual({ ready: true, modelVersion: version });
  }, 120_000);

  it("/readyz: 503 'shutting down' once shutdown begins, while /healthz still answers", async () => {
    server.beginShutdown();
    const res = await server.app.inject({ method: "GET", url: "/readyz" });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({ ready: false, reason: "shutting down" });
    expect((await server.app.inject({ method: "GET", url: "/healthz" })).statusCode).toBe(200);
  });
});

describe.skipIf(skipPostgres)("bot server probes while the database is down [postgresql]", () => {
  it("/readyz turns 503 naming the database once PostgreSQL cannot be reached; /healthz stays 200", async () => {
    const scratch = await scratchPostgres();
    const db = await openDatabase(scratch.url, { migrate: true });
    const oracle = createOracle({ db, config: testConfig(scratch.url), log: silentLogger });
    const server = await buildServer({
      log: silentLogger,
      tracker: createTracker(),
      readiness: () => oracle.readiness(),
    });
    try {
      const up = await server.app.inject({ method: "GET", url: "/readyz" });
      expect(up.statusCode).toBe(503); // reachable, but no model yet
      expect(up.json<{ reason: string }>().reason).not.toMatch(/database/i);
      // The database goes away under the running server (connections terminated, then gone).
      await scratch.drop();
      // Noticed within seconds (a check answers for a second; the watcher checks every two).
      await expect
        .poll(
          async () => (await server.app.inject({ method: "GET", url: "/readyz" })).json<{ reason: string }>().reason,
          {
            timeout: 5_000,
          },
        )
        .toMatch(/database|readiness check failed/i);
      const down = await server.app.inject({ method: "GET", url: "/readyz" });
      expect(down.statusCode).toBe(503);
      expect((await server.app.inject({ method: "GET", url: "/healthz" })).json()).toEqual({ ok: true });
    } finally {
      await server.app.close();
      await oracle.close().catch(() => {});
      await Promise.race([db.close().catch(() => {}), new Promise((r) => setTimeout(r, 5_000).unref())]);
      await scratch.drop().catch(() => {});
    }
  }, 60_000);
});

describe("bot server: surfaces, errors, shutdown", () => {
  let server: BotServer;
  let readiness: () => Promise<Readiness>;
  const tracker = createTracker();
  const { log, lines } = capturingLogger();
  let release: () => void = () => {};

  const testSurface: BotSurface = {
    name: "test",
    async register(app) {
      // A parser of its own: must stay inside this surface's context.
      app.addContentTypeParser("text/plain", { parseAs: "string" }, (_req, body, done) =>
        done(null, `parsed:${String(body)}`),
      );
      app.register(
        async (scoped) => {
          scoped.post("/echo", async (req) => ({ body: req.body }));
          scoped.get("/user-error", async () => {
            throw new UserError("The temperature must be between 0.1 and 2.", "Try 1.2");
          });
          scoped.get("/bug", async () => {
            throw new Error("secret internal detail: table xyz");
          });
          scoped.get("/slow", async () => {
            await new Promise<void>((r) => {
              release = r;
            });
            return { done: true };
          });
        },
        { prefix: "/test" },
      );
    },
  };
  const otherSurface: BotSurface = {
    name: "other",
    async register(app) {
      app.post("/other/echo", async (req) => ({ body: req.body }));
    },
  };

  beforeAll(async () => {
    readiness = async () => ({ ready: true, modelVersion: 3 });
    server = await buildServer({
      log,
      tracker,
      surfaces: [testSurface, otherSurface],
      readiness: () => readiness(),
      readinessTimeoutMs: 200,
    });
  });
  afterEach(() => {
    lines.length = 0;
  });
  afterAll(async () => {
    await server.app.close();
  });

  it("mounts each surface under its prefix, each in its own context", async () => {
    const mine = await server.app.inject({
      method: "POST",
      url: "/test/echo",
      headers: { "content-type": "text/plain" },
      payload: "hi",
    });
    expect(mine.json()).toEqual({ body: "parsed:hi" });
    const theirs = await server.app.inject({
      method: "POST",
      url: "/other/echo",
      headers: { "content-type": "text/plain" },
      payload: "hi",
    });
    expect(theirs.json()).toEqual({ body: "hi" }); // Fastify's own text parser: the test surface's did not leak
  });

  it("a UserError answers 400 with its message and hint; a bug answers 500 generically and is logged with its stack", async () => {
    const user = await server.app.inject({ method: "GET", url: "/test/user-error" });
    expect(user.statusCode).toBe(400);
    expect(user.json()).toEqual({ error: "The temperature must be between 0.1 and 2.", hint: "Try 1.2" });

    const bug = await server.app.inject({ method: "GET", url: "/test/bug" });
    expect(bug.statusCode).toBe(500);
    expect(bug.json()).toEqual({ error: APOLOGY });
    expect(bug.body).not.toMatch(/secret|xyz/);
    const logged = lines.find((l) => l.msg === "request failed") as { err?: { stack?: string } } | undefined;
    expect(logged?.err?.stack).toMatch(/secret internal detail/);

    // Still serving.
    expect((await server.app.inject({ method: "GET", url: "/healthz" })).statusCode).toBe(200);
  });

  it("bad JSON is the client's mistake: 400, not a logged bug", async () => {
    const res = await server.app.inject({
      method: "POST",
      url: "/other/echo",
      headers: { "content-type": "application/json" },
      payload: "{nope",
    });
    expect(res.statusCode).toBe(400);
    expect(lines.find((l) => l.msg === "request failed")).toBeUndefined();
  });

  it("/readyz: a readiness check that hangs or throws answers 503 with the reason", async () => {
    readiness = () => new Promise(() => {});
    const hung = await server.app.inject({ method: "GET", url: "/readyz" });
    expect(hung.statusCode).toBe(503);
    expect(hung.json()).toEqual({
      ready: false,
      reason: "readiness check failed: the readiness check took longer than 200 ms",
    });
    readiness = async () => {
      throw new Error("connection refused");
    };
    const thrown = await server.app.inject({ method: "GET", url: "/readyz" });
    expect(thrown.json()).toEqual({ ready: false, reason: "readiness check failed: connection refused" });
    readiness = async () => ({ ready: true, modelVersion: 3 });
    expect((await server.app.inject({ method: "GET", url: "/readyz" })).json()).toEqual({
      ready: true,
      modelVersion: 3,
    });
  });

  it("counts a request in flight until it is answered; after shutdown begins, new requests get 503", async () => {
    expect(tracker.active).toBe(0);
    const slow = server.app.inject({ method: "GET", url: "/test/slow" });
    await expect.poll(() => tracker.active).toBe(1);
    expect(await tracker.drained(50)).toBe(false);

    server.beginShutdown();
    tracker.stopAccepting();
    const refused = await server.app.inject({ method: "GET", url: "/test/echo" });
    expect(refused.statusCode).toBe(503);
    expect((await server.app.inject({ method: "GET", url: "/readyz" })).json()).toEqual({
      ready: false,
      reason: "shutting down",
    });

    const drained = tracker.drained(5_000);
    release();
    expect((await slow).json()).toEqual({ done: true });
    expect(await drained).toBe(true);
    expect(tracker.active).toBe(0);
  });
});

describe("runCommand: one log line per command", () => {
  it("logs surface, command, user, prophecy id, latency and outcome; rethrows for the surface to answer", async () => {
    const { log, lines } = capturingLogger();
    const tracker = createTracker();
    const run = commandRunner(log, tracker);

    const result = await run({ surface: "discord", command: "/prophecy", user: "u1" }, async (scope) => {
      await new Promise((r) => setTimeout(r, 20));
      scope.prophecy(42);
      return "quatrain";
    });
    expect(result).toBe("quatrain");
    await expect(
      run({ surface: "slack", command: "/prophecy", user: "u2" }, async () => {
        throw new UserError("Unknown word: zork");
      }),
    ).rejects.toThrow(UserError);
    await expect(
      run({ surface: "web", command: "GET /api/prophecies", user: "127.0.0.1" }, async () => {
        throw new TypeError("boom");
      }),
    ).rejects.toThrow("boom");

    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatchObject({
      surface: "discord",
      command: "/prophecy",
      user: "u1",
      prophecyId: 42,
      outcome: "ok",
      msg: "discord /prophecy",
    });
    expect(lines[0].latencyMs).toBeGreaterThanOrEqual(15);
    expect(lines[1]).toMatchObject({
      surface: "slack",
      user: "u2",
      prophecyId: null,
      outcome: "user_error",
      reason: "Unknown word: zork",
      level: 30,
    });
    expect(lines[2]).toMatchObject({ surface: "web", outcome: "error", level: 50 });
    expect((lines[2].err as { stack: string }).stack).toMatch(/TypeError: boom/);

    tracker.stopAccepting();
    let ran = false;
    await expect(
      run({ surface: "discord", command: "/model", user: "u3" }, async () => {
        ran = true;
      }),
    ).rejects.toThrow(ShuttingDownError);
    expect(ran).toBe(false);
    expect(lines[3]).toMatchObject({ outcome: "unavailable", command: "/model" });
  });
});
