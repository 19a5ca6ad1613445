// The bot service: builds its dependencies, registers the surfaces, starts the one HTTP server.
// The process around it (tfjs backend, signals, exit) is app/bot.ts's, or app/serve.ts's.
import type { AddressInfo } from "node:net";
import type { Config } from "../config/schema.ts";
import { openDatabase, type Db } from "../core/db/client.ts";
import { createLogger, type Logger } from "../core/logger.ts";
import { createOracle } from "../core/oracle/oracle.ts";
import type { Oracle } from "../core/oracle/types.ts";
import { commandRunner } from "./command-log.ts";
import { discordSurface } from "./discord/index.ts";
import { buildServer, type BotServer } from "./server.ts";
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
}

export interface BotHandle {
  /** http://host:port the server listens on (the real port when PORT=0). */
  url: string;
  port: number;
  surfaces: string[];
  /** Drains, stops the surfaces, closes the oracle and the database (what SIGTERM has the process do). */
  stop(): Promise<void>;
}

/** Starts the bot service on the tfjs backend the process started (BOT_BACKEND: sampling reads synchronously). */
export async function runBot(config: Config, opts: RunBotOptions = {}): Promise<BotHandle> {
  const log = opts.log ?? createLogger(config.log.level, { name: "bot" });
  let db: Db | undefined;
  let oracle: Oracle | undefined;
  let server: BotServer | undefined;
  try {
    db = await openDatabase(config.database.url, { log });
    oracle = createOracle({ db, config, log });
    const tracker = createTracker();
    const deps: BotDeps = { oracle, config, log, tracker, runCommand: commandRunner(log, tracker) };
    const surfaces: BotSurface[] = [];
    for (const make of opts.surfaces ?? SURFACES) {
      const surface = await make(deps);
      if (surface) surfaces.push(surface);
    }
    const running = (server = await buildServer({ log, tracker, surfaces, readiness: () => oracle!.readiness() }));
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
    return { url, port: address.port, surfaces: surfaces.map((s) => s.name), stop };
  } catch (err) {
    // A surface that fails to start (bad token, port taken) must not leave a half-started server.
    await server?.app.close().catch(() => {});
    await oracle?.close().catch(() => {});
    await db?.close().catch(() => {});
    throw err;
  }
}
