// The bot process's one HTTP server: health endpoints, error replies, and every surface's routes.
import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance } from "fastify";
import type { Logger } from "../core/logger.ts";
import type { Readiness } from "../core/oracle/types.ts";
import { logFailure } from "./errors.ts";
import type { BotSurface } from "./surface.ts";
import type { WorkTracker } from "./tracker.ts";

export interface BotServerOptions {
  log: Logger;
  /** Database reachable and a model loaded (the oracle's readiness). */
  readiness: () => Promise<Readiness>;
  /** The database's last known problem (no waiting), or null: every request but the probes is answered 503 while there is one. */
  databaseProblem?: () => string | null;
  tracker: WorkTracker;
  surfaces?: BotSurface[];
  /** A readiness check slower than this answers 503 (a hung database must not hang the probe). */
  readinessTimeoutMs?: number;
}

export interface BotServer {
  app: FastifyInstance;
  /** /readyz answers 503 "shutting down" from now on, and new requests (other than the probes) get 503. */
  beginShutdown(): void;
  readonly shuttingDown: boolean;
}

const PROBES = new Set(["/healthz", "/readyz"]);

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export async function buildServer(opts: BotServerOptions): Promise<BotServer> {
  const { log, tracker } = opts;
  let shuttingDown = false;
  // Typed as Fastify's base logger so surfaces get the plain FastifyInstance type.
  const loggerInstance: FastifyBaseLogger = log.child({ component: "http" });
  const app = Fastify({
    loggerInstance,
    // One line per command comes from runCommand; a line per request would double it.
    logController: new LogController({ disableRequestLogging: true }),
    // Answered by our own hook, so /readyz can say why.
    return503OnClosing: false,
    forceCloseConnections: "idle",
  });

  // Every request is work in flight for the drain; during shutdown only the probes are answered.
  app.addHook("onRequest", async (request, reply) => {
    const path = request.url.split("?")[0];
    if (PROBES.has(path)) return;
    if (shuttingDown || !tracker.accepting) {
      reply.header("connection", "close").code(503);
      return reply.send({ error: "The oracle is restarting; try again in a moment." });
    }
    // A database that cannot be written (or is gone) answers nothing as if it could.
    const problem = opts.databaseProblem?.();
    if (problem) return reply.code(503).header("retry-after", "30").send({ error: problem });
    // The response's close: sent, or the client went away (the request's close fires once its body is read).
    reply.raw.once("close", tracker.begin());
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    // Fastify's own 4xx (bad JSON, body too large, schema validation) are the client's to fix.
    const status = error.statusCode ?? 0;
    if (!(error instanceof Error) || status < 400 || status >= 500) {
      const answer = logFailure(log, error, { method: request.method, url: request.url }, "request failed");
      if (answer.kind === "busy") reply.header("retry-after", "1");
      // Hints are for the user's own mistakes; an outage's detail is the operator's (in the log).
      const hint = answer.kind === "user" && answer.hint ? { hint: answer.hint } : {};
      return reply.code(answer.status).send({ error: answer.message, ...hint });
    }
    return reply.code(status).send({ error: error.validation ? `Invalid request: ${error.message}` : error.message });
  });

  app.get("/healthz", async () => ({ ok: true }));

  app.get("/readyz", async (_request, reply) => {
    let state: Readiness;
    if (shuttingDown) state = { ready: false, reason: "shutting down" };
    else {
      try {
        state = await withTimeout(opts.readiness(), opts.readinessTimeoutMs ?? 3_000, "the readiness check");
      } catch (err) {
        state = { ready: false, reason: `readiness check failed: ${(err as Error).message ?? String(err)}` };
      }
    }
    return reply.code(state.ready ? 200 : 503).send(state);
  });

  for (const surface of opts.surfaces ?? []) {
    // Each surface in its own encapsulated context (parsers, hooks, decorators stay its own).
    await app.register(async (scope) => surface.register(scope));
    log.info({ surface: surface.name }, `surface registered: ${surface.name}`);
  }
  await app.ready();

  return {
    app,
    beginShutdown() {
      shuttingDown = true;
    },
    get shuttingDown() {
      return shuttingDown;
    },
  };
}
