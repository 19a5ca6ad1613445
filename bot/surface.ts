// The plug-in point of the bot service: Discord, Slack and the web page are each one BotSurface.
import type { FastifyInstance } from "fastify";
import type { Config } from "../config/schema.ts";
import type { Logger } from "../core/logger.ts";
import type { Oracle } from "../core/oracle/types.ts";
import type { RunCommand } from "./command-log.ts";
import type { WorkTracker } from "./tracker.ts";

/** What every surface is built from: the one serving core and the service's shared parts. */
export interface BotDeps {
  /** The serving core: every prophecy, history, reaction and retrain goes through it. */
  oracle: Oracle;
  config: Config;
  log: Logger;
  /** Counts work in flight so SIGTERM can drain it; `runCommand` already uses it. */
  tracker: WorkTracker;
  /** Runs one command as tracked work and logs its one line (surface, command, user, prophecy id, latency). */
  runCommand: RunCommand;
}

export interface BotSurface {
  /** Short name for logs: "discord", "slack", "web". */
  name: string;
  /**
   * Adds the surface's routes to the bot's one HTTP server, under its own prefix (/discord, /slack,
   * /api, /). `app` is an encapsulated Fastify context of its own: content-type parsers (raw bodies
   * for signature checks), hooks and decorators added here do not leak to other surfaces.
   */
  register(app: FastifyInstance): Promise<void>;
  /** Starts what runs beside HTTP (gateway, socket mode, job-outcome announcers), after the server listens. */
  start?(): Promise<void>;
  /** Stops it, after in-flight work has drained (or the drain time ran out). */
  stop?(): Promise<void>;
}

/** Builds a surface from the shared deps, or returns null when its settings are absent (it stays off). */
export type SurfaceFactory = (deps: BotDeps) => BotSurface | null | Promise<BotSurface | null>;
