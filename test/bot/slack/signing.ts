// Requests signed as Slack signs them (Node's crypto HMAC), in the shapes Slack sends.
import { createHmac } from "node:crypto";
import type { FakeSlack } from "./fake-slack.ts";

export const SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
const TEAM = "T0TEST";

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

export async function sendSigned(
  bot: { url: string },
  body: string,
  contentType: string,
  opts: SendOptions = {},
): Promise<Response> {
  const timestamp = opts.timestamp ?? Math.floor(Date.now() / 1000);
  return fetch(`${bot.url}/slack/events`, {
    method: "POST",
    headers: {
      "content-type": contentType,
      "x-slack-request-timestamp": String(timestamp),
      "x-slack-signature": slackSignature(body, timestamp, opts.secret),
      ...(opts.retryNum !== undefined
        ? { "x-slack-retry-num": String(opts.retryNum), "x-slack-retry-reason": "http_timeout" }
        : {}),
      ...opts.headers,
    },
    body,
  });
}

let triggerCounter = 0;

/** A slash command as Slack posts it (form-encoded). */
export function commandBody(
  fake: FakeSlack,
  command: string,
  text: string,
  who: { user?: string; channel?: string } = {},
): string {
  const id = `r${++triggerCounter}`;
  return new URLSearchParams({
    token: "legacy-verification-token",
    team_id: TEAM,
    team_domain: "oracle-test",
    channel_id: who.channel ?? "C0GENERAL",
    channel_name: "general",
    user_id: who.user ?? "U0ALICE",
    user_name: "alice",
    command,
    text,
    api_app_id: "A0TEST",
    is_enterprise_install: "false",
    response_url: fake.responseUrl(id),
    trigger_id: `trigger.${id}`,
  }).toString();
}

let eventCounter = 0;

/** An Events API envelope around `event`. */
export function eventBody(event: Record<string, unknown>, eventTime = Math.floor(Date.now() / 1000)): string {
  return JSON.stringify({
    token: "legacy-verification-token",
    team_id: TEAM,
    api_app_id: "A0TEST",
    event,
    type: "event_callback",
    event_id: `Ev${++eventCounter}`,
    event_time: eventTime,
    authorizations: [{ team_id: TEAM, user_id: "UBOT", is_bot: true }],
  });
}
