// Slack as one surface of the bot service: on when SLACK_BOT_TOKEN is set.
import type { BotDeps, BotSurface, SurfaceFactory } from "../surface.ts";
import { startAnnouncer, type Announcer } from "./announcer.ts";
import { createSlackApp } from "./app.ts";
import type { SlackDeps } from "./deps.ts";
import { inFlightLimit } from "./in-flight.ts";

export const slackSurface: SurfaceFactory = (deps: BotDeps): BotSurface | null => {
  const settings = deps.config.slack;
  if (!settings.botToken) return null;
  const log = deps.log.child({ surface: "slack" });
  const slackDeps: SlackDeps = {
    oracle: deps.oracle,
    log,
    runCommand: deps.runCommand,
    tracker: deps.tracker,
    quatrains: inFlightLimit(settings.maxInFlight),
    adminUserIds: settings.adminUserIds,
    publicUrl: deps.config.bot.publicUrl,
  };
  const { app, httpReceiver } = createSlackApp(slackDeps, settings);
  let announcer: Announcer | undefined;
  return {
    name: "slack",
    async register(server) {
      if (httpReceiver) await server.register(httpReceiver.plugin);
    },
    async start() {
      await app.start(); // Socket Mode connects here; over HTTP the bot's server already listens.
      announcer = startAnnouncer({
        oracle: deps.oracle,
        client: app.client,
        log,
        intervalMs: settings.announceSeconds * 1000,
      });
      log.info({ mode: httpReceiver ? "http" : "socket" }, "slack surface started");
    },
    async stop() {
      await announcer?.stop();
      await app.stop();
    },
  };
};
