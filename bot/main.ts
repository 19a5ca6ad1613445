// The bot service entry: builds its dependencies, registers the surfaces, starts the one HTTP server.
// `oracle bot` calls runBot; `node --import tsx bot/main.ts` runs it directly.
import type { AddressInfo } from "node:net";
import { pathToFileURL } from "node:url";
import { loadConfig, type Config } from "../config/schema.ts";
import { openDatabase, type Db } from "../core/db/client.ts";
import { createLogger, type Logger } from "../core/logger.ts";
import { createOracle } from "../core/oracle/oracle.ts";
import type { Oracle } from "../core/oracle/types.ts";
import { initBackend } from "../core/tf/backend.ts";
import { describeError } from "../core/errors.ts";
import { commandRunner } from "./command-log.ts";
import { discordSurface } from "./discord/index.ts";
import { buildServer, type BotServer } from "./server.ts";
import { exitOnSignals } from "./shutdown.ts";
import { slackSurface } from "./slack/surface.ts";
import type { BotDeps, BotSurface, SurfaceFactory } from "./surface.ts";
import { createTracker } from "./tracker.ts";
import { webSurface } from "./web/index.ts";

/**
 * The surfaces of the bot, one line each. Every factory decides from the config whether it runs
 * (returns null when its settings are absent) and mounts its routes under its own prefix.
 */
export const SURFACES: SurfaceFactory[] = [
  discordSurface, // Discord: gateway and POST /discord/interactions (bot/discord/)
  slackSurface, // Slack: Bolt on POST /slack/events, or Socket Mode (bot/slack/)
  webSurface, // the web page and its API: / and /api (bot/web/)
];

export interface RunBotOptions {
  log?: Logger;
  /** Replaces SURFACES (tests add their own). */
  surfaces?: SurfaceFactory[];
  exit?: (code: number) => void;
  /** false: no SIGTERM/SIGINT handlers; the caller calls stop() (one process running the trainer too). */
  handleSignals?: boolean;
}

export interface BotHandle {
  /** http://host:port the server listens on (the real port when PORT=0). */
  url: string;
  port: number;
  surfaces: string[];
  /** Drains, stops the surfaces, closes the oracle and the database (what SIGTERM does, minus the exit). */
  stop(): Promise<void>;
}

export async function runBot(config: Config, opts: RunBotOptions = {}): Promise<BotHandle> {
  const log = opts.log ?? createLogger(config.log.level, { name: "bot" });
  let db: Db | undefined;
  let oracle: Oracle | undefined;
  let server: BotServer | undefined;
  try {
    // The database first: one that is gone or read-only fails in one line before tfjs loads.
    db = await openDatabase(config.database.url, { log });
    await initBackend({ preference: config.bot.backend, setting: "BOT_BACKEND", syncReads: true }, log);
    oracle = createOracle({ db, config, log });
    const tracker = createTracker();
    const deps: BotDeps = { oracle, config, log, tracker, runCommand: commandRunner(log, tracker) };
    const surfaces: BotSurface[] = [];
    for (const make of opts.surfaces ?? SURFACES) {
      const surface = await make(deps);
      if (surface) surfaces.push(surface);
    }
    const running = (server = await buildServer({
      log,
      tracker,
      surfaces,
      readiness: () => oracle!.readiness(),
      databaseProblem: () => oracle!.databaseProblem(),
    }));
    await running.app.listen({ port: config.bot.port, host: config.bot.host });
    const address = running.app.server.address() as AddressInfo;
    const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
    const url = `http://${host}:${address.port}`;
    for (const s of surfaces) await s.start?.();
    log.info({ url, port: address.port, surfaces: surfaces.map((s) => s.name) }, `bot service listening on ${url}`);

    let stopping: Promise<void> | undefined;
    const stop = () =>
      (stopping ??= (async () => {
        running.beginShutdown();
        tracker.stopAccepting();
        // Stops listening at once; resolves when the HTTP requests in flight have been answered.
        const closed = running.app.close();
        const drainMs = config.bot.drainSeconds * 1000;
        const drained = await tracker.drained(drainMs);
        if (!drained)
          log.warn(
            { inFlight: tracker.active, drainSeconds: config.bot.drainSeconds },
            "drain time over; abandoning work in flight",
          );
        else await Promise.race([closed, new Promise((r) => setTimeout(r, 1_000).unref())]);
        for (const s of surfaces) {
          await s.stop?.().catch((err: unknown) => log.error({ err, surface: s.name }, "surface failed to stop"));
        }
        await oracle!.close();
        await db!.close();
        log.info("bot service stopped");
      })());
    // Drain time, then a few seconds for the surfaces and the database to close.
    if (opts.handleSignals !== false)
      exitOnSignals({ log, shutdown: stop, hardLimitMs: config.bot.drainSeconds * 1000 + 5_000, exit: opts.exit });
    return { url, port: address.port, surfaces: surfaces.map((s) => s.name), stop };
  } catch (err) {
    // A surface that fails to start (bad token, port taken) must not leave a half-started server.
    await server?.app.close().catch(() => {});
    await oracle?.close().catch(() => {});
    await db?.close().catch(() => {});
    throw err;
  }
}

/** Entry-point error handling: a UserError (or bad config, or a database that cannot serve) is one line and exit 1, no stack trace. */
function failStartup(err: unknown): never {
  const d = describeError(err);
  process.stderr.write(d.kind !== "bug" ? `${d.message}\n${d.hint ? `${d.hint}\n` : ""}` : `${d.stack ?? d.message}\n`);
  process.exit(1);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    await runBot(loadConfig(process.env));
  } catch (err) {
    failStartup(err);
  }
}
