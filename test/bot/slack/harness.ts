// The real Slack surface on the real bot server (Fastify on loopback) with the real Bolt app and
// serving core, talking to a local fake Slack; requests are signed as Slack signs them.
import { createHmac } from "node:crypto";
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

export const SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
export const TEAM = "T0TEST";

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
  /** More config (e.g. sampling) for the serving core. */
  config?: ConfigOverrides;
}

export async function startSlackBot(db: Db, opts: SlackBotOptions = {}): Promise<SlackBot> {
  const fake = await startFakeSlack(opts);
  const config = testConfig(db.url, {
    ...opts.config,
    slack: {
      botToken: "xoxb-test-token", signingSecret: SIGNING_SECRET, apiUrl: fake.apiUrl,
      adminUserIds: opts.adminUserIds ?? [], announceSeconds: 0.05, ...(opts.appToken ? { appToken: opts.appToken } : {}),
    },
    bot: { port: 0, host: "127.0.0.1", rateLimitPerMinute: 0, ...opts.config?.bot },
  });
  const log = silentLogger;
  const oracle = createOracle({ db, config, log });
  const tracker = createTracker();
  const surface = (await slackSurface({ oracle, config, log, tracker, runCommand: commandRunner(log, tracker) })) as BotSurface;
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
      await server!.app.close();
      await oracle.close();
      await fake.close();
    },
  };
}

/** Slack's v0 signature: HMAC-SHA256 of `v0:timestamp:body` with the signing secret. */
export function slackSignature(body: string, timestamp: number, secret = SIGNING_SECRET): string {
  return `v0=${createHmac("sha256", secret).update(`v0:${timestamp}:${body}`).digest("hex")}`;
}

export interface SendOptions {
  secret?: string;
  /** Seconds since the epoch (default now). */
  timestamp?: number;
  retryNum?: number;
  headers?: Record<string, string>;
}

export async function sendSigned(bot: { url: string }, body: string, contentType: string, opts: SendOptions = {}): Promise<Response> {
  const timestamp = opts.timestamp ?? Math.floor(Date.now() / 1000);
  return fetch(`${bot.url}/slack/events`, {
    method: "POST",
    headers: {
      "content-type": contentType,
      "x-slack-request-timestamp": String(timestamp),
      "x-slack-signature": slackSignature(body, timestamp, opts.secret),
      ...(opts.retryNum !== undefined ? { "x-slack-retry-num": String(opts.retryNum), "x-slack-retry-reason": "http_timeout" } : {}),
      ...opts.headers,
    },
    body,
  });
}

let triggerCounter = 0;

/** A slash command as Slack posts it (form-encoded). */
export function commandBody(fake: FakeSlack, command: string, text: string, who: { user?: string; channel?: string } = {}): string {
  const id = `r${++triggerCounter}`;
  return new URLSearchParams({
    token: "legacy-verification-token", team_id: TEAM, team_domain: "oracle-test", channel_id: who.channel ?? "C0GENERAL",
    channel_name: "general", user_id: who.user ?? "U0ALICE", user_name: "alice", command, text, api_app_id: "A0TEST",
    is_enterprise_install: "false", response_url: fake.responseUrl(id), trigger_id: `trigger.${id}`,
  }).toString();
}

export function sendCommand(bot: SlackBot, command: string, text: string, who: { user?: string; channel?: string } = {}, opts: SendOptions = {}) {
  return sendSigned(bot, commandBody(bot.fake, command, text, who), "application/x-www-form-urlencoded", opts);
}

let eventCounter = 0;

/** An Events API envelope around `event`. */
export function eventBody(event: Record<string, unknown>, eventTime = Math.floor(Date.now() / 1000)): string {
  return JSON.stringify({
    token: "legacy-verification-token", team_id: TEAM, api_app_id: "A0TEST", event, type: "event_callback",
    event_id: `Ev${++eventCounter}`, event_time: eventTime, authorizations: [{ team_id: TEAM, user_id: "UBOT", is_bot: true }],
  });
}

export function sendEvent(bot: SlackBot, event: Record<string, unknown>, opts: SendOptions = {}) {
  return sendSigned(bot, eventBody(event), "application/json", opts);
}

/** A block_actions payload (interactivity is a form with one JSON `payload` field). */
export function sendAction(bot: SlackBot, payload: Record<string, unknown>, opts: SendOptions = {}) {
  return sendSigned(bot, new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), "application/x-www-form-urlencoded", opts);
}

/** The text of a posted quatrain's section block: its four lines. */
export function quatrainLines(call: { args: Record<string, unknown> }): string[] {
  const blocks = call.args.blocks as { type: string; text?: { text: string } }[];
  return blocks[0]!.text!.text.split("\n");
}

export function contextText(call: { args: Record<string, unknown> }): string {
  const blocks = call.args.blocks as { type: string; elements?: { text: string }[] }[];
  return blocks.find((b) => b.type === "context")!.elements![0]!.text;
}
