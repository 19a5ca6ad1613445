// Slack as one surface of the bot service: on when SLACK_BOT_TOKEN is set.
import { startAnnouncer } from "../../core/oracle/announcer.ts";
import type { BotDeps, BotSurface, SurfaceFactory } from "../surface.ts";
import { createSlackApp } from "./app.ts";
import { finishSlackCommand } from "./commands.ts";
import type { SlackDeps } from "./deps.ts";
import { outcomeText } from "./outcome.ts";

export const slackSurface: SurfaceFactory = (deps: BotDeps): BotSurface | null => {
  const settings = deps.config.slack;
  if (!settings.botToken) return null;
  const log = deps.log.child({ surface: "slack" });
  const slackDeps: SlackDeps = {
    oracle: deps.oracle,
    log,
    runCommand: deps.runCommand,
    tracker: deps.tracker,
    adminUserIds: settings.adminUserIds,
    publicUrl: deps.config.bot.publicUrl,
  };
  const { app, httpReceiver } = createSlackApp(slackDeps, settings);
  const loops: { stop(): Promise<void> }[] = [];
  return {
    name: "slack",
    async register(server) {
      if (httpReceiver) await server.register(httpReceiver.plugin);
    },
    async start() {
      await app.start(); // Socket Mode connects here; over HTTP the bot's server already listens.
      loops.push(
        startAnnouncer({
          oracle: deps.oracle,
          surface: "slack",
          intervalMs: settings.announceSeconds * 1000,
          log,
          // No channel (asked elsewhere): the requester's DM.
          post: async (outcome) => {
            await app.client.chat.postMessage({
              channel: outcome.channel ?? outcome.requestedBy,
              text: outcomeText(outcome),
            });
          },
        }),
        // Commands a bot acknowledged and then died on: finished here (this bot restarted, or another).
        deps.oracle.commands.recover("slack", (command) => finishSlackCommand(command, slackDeps, app.client)),
      );
      log.info({ mode: httpReceiver ? "http" : "socket" }, "slack surface started");
    },
    async stop() {
      await Promise.all(loops.map((l) => l.stop()));
      await app.stop();
    },
  };
};
