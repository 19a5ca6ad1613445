// The Bolt app: HTTP on the bot's Fastify server by default, Socket Mode when an app token is set.
import { App, SocketModeReceiver, type AnyMiddlewareArgs } from "@slack/bolt";
import type { Config } from "../../config/schema.ts";
import { describeError, shortError } from "../../core/errors.ts";
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

/** Slack retries an event it got no answer for; a retry runs only if the first delivery did not. */
const EVENT_KEY_SECONDS = 3_600;

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
    receiver = httpReceiver = new FastifyReceiver({
      signingSecret: settings.signingSecret,
      log: deps.log,
      firstSeen: (key, ttlSeconds) => deps.oracle.firstSeen(key, ttlSeconds),
    });
  }
  const app = new App({ token: settings.botToken, receiver, logger, clientOptions, extendedErrorHandler: true });
  // An event runs once, whichever bot process its first delivery or a retry reaches (by event_id).
  app.use(async ({ body, next }: AnyMiddlewareArgs & { next: () => Promise<void> }) => {
    const eventId = (body as { type?: unknown; event_id?: unknown }).event_id;
    if ((body as { type?: unknown }).type !== "event_callback" || typeof eventId !== "string") return next();
    const key = `slack-event:${eventId}`;
    if (!(await deps.oracle.firstSeen(key, EVENT_KEY_SECONDS))) {
      deps.log.debug({ surface: "slack", eventId }, "event already handled: skipped");
      return;
    }
    try {
      await next();
    } catch (error) {
      await deps.oracle.forgetSeen(key).catch(() => undefined); // failed: its retry must run
      throw error;
    }
  });
  // Listeners answer their own failures; what reaches here failed in an event listener. A database
  // that is out is rethrown, so Slack retries the (idempotent) event later; anything else is logged
  // and the event acknowledged: retrying it could never succeed.
  app.error(async ({ error, body }: ExtendedErrorArgs) => {
    const original = (error as { original?: unknown }).original ?? error;
    const type = (body as { type?: string } | undefined)?.type;
    const described = describeError(original);
    if (described.kind === "unavailable") {
      deps.log.warn(
        { surface: "slack", type, reason: shortError(original) },
        "slack event not processed; Slack retries it",
      );
      throw error;
    }
    if (described.kind === "user")
      deps.log.warn({ surface: "slack", type, problem: described.message }, "slack event refused and dropped");
    else deps.log.error({ err: original, surface: "slack", type }, "slack listener failed; event dropped");
  });
  registerListeners(app, deps);
  return { app, httpReceiver };
}
