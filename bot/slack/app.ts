// The Bolt app: HTTP on the bot's Fastify server by default, Socket Mode when an app token is set.
import { App, SocketModeReceiver } from "@slack/bolt";
import type { Config } from "../../config/schema.ts";
import { boltLogger } from "./bolt-logger.ts";
import type { SlackDeps } from "./deps.ts";
import { FastifyReceiver } from "./fastify-receiver.ts";
import { registerListeners } from "./listeners/index.ts";

// The extended handler's arguments (with the body); Bolt's index does not export the type by name.
type ExtendedErrorArgs = Parameters<Parameters<App["error"]>[0]>[0];

export interface SlackApp {
  app: App;
  /** The route to mount on the bot's server; null in Socket Mode. */
  httpReceiver: FastifyReceiver | null;
}

export function createSlackApp(deps: SlackDeps, settings: Config["slack"]): SlackApp {
  if (!settings.botToken) throw new Error("createSlackApp needs SLACK_BOT_TOKEN");
  const logger = boltLogger(deps.log);
  const clientOptions = { slackApiUrl: settings.apiUrl };
  let httpReceiver: FastifyReceiver | null = null;
  let receiver: FastifyReceiver | SocketModeReceiver;
  if (settings.appToken) {
    // The Socket Mode client asks apps.connections.open (on SLACK_API_URL) for its WebSocket URL.
    receiver = new SocketModeReceiver({ appToken: settings.appToken, logger, installerOptions: { clientOptions } });
  } else {
    if (!settings.signingSecret) throw new Error("Slack over HTTP needs SLACK_SIGNING_SECRET");
    receiver = httpReceiver = new FastifyReceiver({ signingSecret: settings.signingSecret, log: deps.log });
  }
  const app = new App({ token: settings.botToken, receiver, logger, clientOptions, extendedErrorHandler: true });
  // Listeners answer their own failures; what reaches here is a bug in an event listener. Rethrown so
  // the HTTP receiver answers 500 and Slack retries the (idempotent) event instead of losing it.
  app.error(async ({ error, body }: ExtendedErrorArgs) => {
    deps.log.error(
      { err: error.original ?? error, surface: "slack", type: (body as { type?: string } | undefined)?.type },
      "slack listener failed",
    );
    throw error;
  });
  registerListeners(app, deps);
  return { app, httpReceiver };
}
