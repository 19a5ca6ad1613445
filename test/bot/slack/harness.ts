// The real Slack surface on the real bot server (Fastify on loopback) with the real Bolt app and
// serving core, talking to a local fake Slack; requests are signed as Slack signs them.
import type { AddressInfo } from "node:net";
import { commandRunner } from "../../../bot/command-log.ts";
import { buildServer, type BotServer } from "../../../bot/server.ts";
import { slackSurface } from "../../../bot/slack/surface.ts";
import type { BotSurface } from "../../../bot/surface.ts";
import { createTracker } from "../../../bot/tracker.ts";
import type { ConfigOverrides } from "../../../config/schema.ts";
import type { Db } from "../../../core/db/client.ts";
import { silentLogger } from "../../../core/logger.ts";
import { createOracle } from "../../../core/oracle/oracle.ts";
import type { Oracle } from "../../../core/oracle/types.ts";
import { testConfig } from "../../helpers/config.ts";
import { startFakeSlack, type FakeSlack, type FakeSlackOptions } from "./fake-slack.ts";
import { commandBody, eventBody, sendSigned, SIGNING_SECRET, type SendOptions } from "./signing.ts";

export * from "./signing.ts";

export interface SlackBot {
  url: string;
  fake: FakeSlack;
  oracle: Oracle;
  stop(): Promise<void>;
}

export interface SlackBotOptions extends FakeSlackOptions {
  adminUserIds?: string[];
  /** Socket Mode instead of HTTP. */
  appToken?: string;
  /** BOT_MAX_IN_FLIGHT, the core's one in-flight limit (default: the config's). */
  maxInFlight?: number;
  /** More config (e.g. sampling) for the serving core. */
  config?: ConfigOverrides;
}

export async function startSlackBot(db: Db, opts: SlackBotOptions = {}): Promise<SlackBot> {
  const fake = await startFakeSlack(opts);
  const config = testConfig(db.url, {
    ...opts.config,
    slack: {
      botToken: "xoxb-test-token",
      signingSecret: SIGNING_SECRET,
      apiUrl: fake.apiUrl,
      adminUserIds: opts.adminUserIds ?? [],
      announceSeconds: 0.05,
      ...(opts.appToken ? { appToken: opts.appToken } : {}),
    },
    bot: {
      port: 0,
      host: "127.0.0.1",
      rateLimitPerMinute: 0,
      ...(opts.maxInFlight !== undefined ? { maxInFlight: opts.maxInFlight } : {}),
      ...opts.config?.bot,
    },
  });
  const log = silentLogger;
  const oracle = createOracle({ db, config, log });
  const tracker = createTracker();
  const surface = (await slackSurface({
    oracle,
    config,
    log,
    tracker,
    runCommand: commandRunner(log, tracker),
  })) as BotSurface;
  let server: BotServer | undefined;
  try {
    server = await buildServer({ log, tracker, surfaces: [surface], readiness: () => oracle.readiness() });
    await server.app.listen({ port: 0, host: "127.0.0.1" });
    await surface.start?.();
  } catch (error) {
    await server?.app.close();
    await fake.close();
    throw error;
  }
  const port = (server.app.server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    fake,
    oracle,
    async stop() {
      tracker.stopAccepting();
      await tracker.drained(5_000);
      await surface.stop?.();
      await server.app.close();
      await oracle.close();
      await fake.close();
    },
  };
}

export function sendCommand(
  bot: SlackBot,
  command: string,
  text: string,
  who: { user?: string; channel?: string } = {},
  opts: SendOptions = {},
) {
  return sendSigned(bot, commandBody(bot.fake, command, text, who), "application/x-www-form-urlencoded", opts);
}

export function sendEvent(bot: SlackBot, event: Record<string, unknown>, opts: SendOptions = {}) {
  return sendSigned(bot, eventBody(event), "application/json", opts);
}

/** A block_actions payload (interactivity is a form with one JSON `payload` field). */
export function sendAction(bot: SlackBot, payload: Record<string, unknown>, opts: SendOptions = {}) {
  return sendSigned(
    bot,
    new URLSearchParams({ payload: JSON.stringify(payload) }).toString(),
    "application/x-www-form-urlencoded",
    opts,
  );
}

export function contextText(call: { args: Record<string, unknown> }): string {
  const blocks = call.args.blocks as { type: string; elements?: { text: string }[] }[];
  return blocks.find((b) => b.type === "context")!.elements![0].text;
}

/** The text of a posted quatrain's section block: its four lines. */
export function quatrainLines(call: { args: Record<string, unknown> }): string[] {
  const blocks = call.args.blocks as { type: string; text?: { text: string } }[];
  return blocks[0].text!.text.split("\n");
}
