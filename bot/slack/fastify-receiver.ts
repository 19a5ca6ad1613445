// Bolt's request handling mounted on the bot's one Fastify server: a custom Bolt Receiver whose
// route reads the raw body (signatures cover the exact bytes), refuses a timestamp more than 5
// minutes off in either direction, verifies the signature with Bolt's own `verifySlackRequest`,
// refuses a replay (the same signature seen before, by any bot process sharing the database),
// checks the payload's shape, and hands the event to `app.processEvent`.
// The HTTP answer goes out when a listener calls ack(); the listener's work continues after it
// (tracked by the listeners themselves, so SIGTERM's drain waits for it).
import { parse as parseQuery } from "node:querystring";
import { ReceiverMultipleAckError, verifySlackRequest, type App, type Receiver, type ReceiverEvent } from "@slack/bolt";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { describeError, shortError } from "../../core/errors.ts";
import type { Logger } from "../../core/logger.ts";
import { eventEnvelope, firstProblem, interactivity, slashCommand } from "./payloads.ts";

const SLACK_EVENTS_PATH = "/slack/events";
/** Slack gives up after 3 s; an unacknowledged request is answered (empty) just before. */
const ACK_DEADLINE_MS = 2_900;
const BODY_LIMIT = 1024 * 1024;

/** Slack's own rule: a request dated more than 5 minutes from now (either way) is refused. */
const MAX_SKEW_SECONDS = 300;

export interface FastifyReceiverOptions {
  signingSecret: string;
  log: Logger;
  /** True the first time a key is seen (the oracle's, shared through the database). */
  firstSeen(key: string, ttlSeconds: number): Promise<boolean>;
  /** Clock of the staleness check (tests). */
  now?: () => number;
}

type Parsed = { body: Record<string, unknown> } | { sslCheck: true } | { bad: string };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function parseBody(raw: string, contentType: string | undefined): Parsed {
  try {
    if (contentType?.startsWith("application/x-www-form-urlencoded")) {
      const form = parseQuery(raw);
      if (form.ssl_check === "1") return { sslCheck: true };
      // Interactivity arrives as a form with one JSON `payload` field; commands as plain fields.
      if (form.payload !== undefined) {
        const payload: unknown = typeof form.payload === "string" ? JSON.parse(form.payload) : null;
        if (!isObject(payload)) return { bad: "payload is not a JSON object" };
        const checked = interactivity.safeParse(payload);
        return checked.success ? { body: payload } : { bad: `payload: ${firstProblem(checked.error)}` };
      }
      const checked = slashCommand.safeParse(form);
      return checked.success ? { body: { ...form } } : { bad: `command: ${firstProblem(checked.error)}` };
    }
    const body: unknown = JSON.parse(raw);
    if (!isObject(body)) return { bad: "body is not a JSON object" };
    return { body };
  } catch {
    return { bad: "unreadable body" };
  }
}

const header = (request: FastifyRequest, name: string): string | undefined => {
  const v = request.headers[name];
  return typeof v === "string" ? v : undefined;
};

export class FastifyReceiver implements Receiver {
  private app: App | undefined;

  constructor(private readonly options: FastifyReceiverOptions) {}

  init(app: App): void {
    this.app = app;
  }

  // Fastify owns the listener: starting and stopping it is the bot service's job.
  start(): Promise<void> {
    return Promise.resolve();
  }

  stop(): Promise<void> {
    return Promise.resolve();
  }

  /** Registers POST /slack/events in its own encapsulated context (raw-body parsers stay local to it). */
  readonly plugin = async (fastify: FastifyInstance): Promise<void> => {
    fastify.removeAllContentTypeParsers();
    fastify.addContentTypeParser(
      ["application/x-www-form-urlencoded", "application/json"],
      { parseAs: "buffer", bodyLimit: BODY_LIMIT },
      (_request, body, done) => done(null, body),
    );
    fastify.post(SLACK_EVENTS_PATH, (request, reply) => this.handle(request, reply));
  };

  private async handle(request: FastifyRequest, reply: FastifyReply): Promise<unknown> {
    const { log } = this.options;
    const raw = Buffer.isBuffer(request.body) ? request.body.toString("utf8") : "";
    const contentType = header(request, "content-type");
    const parsed = parseBody(raw, contentType);
    // Slack's SSL check is unsigned and carries nothing else (Bolt answers it the same way).
    if ("sslCheck" in parsed) return reply.code(200).send();

    const signature = header(request, "x-slack-signature");
    const timestamp = header(request, "x-slack-request-timestamp");
    const now = this.options.now?.() ?? Date.now();
    try {
      if (signature === undefined || timestamp === undefined)
        throw new Error("missing x-slack-signature or x-slack-request-timestamp");
      // Bolt's check refuses old requests only; one dated in the future is refused too.
      if (!/^\d{1,12}$/.test(timestamp) || Math.abs(now / 1000 - Number(timestamp)) > MAX_SKEW_SECONDS)
        throw new Error("timestamp more than 5 minutes from now");
      verifySlackRequest({
        signingSecret: this.options.signingSecret,
        body: raw,
        headers: { "x-slack-signature": signature, "x-slack-request-timestamp": Number(timestamp) },
        nowMilliseconds: now,
      });
    } catch (error) {
      log.warn({ surface: "slack", reason: (error as Error).message }, "slack request rejected");
      return reply.code(401).send({ error: "invalid Slack signature" });
    }
    if ("bad" in parsed) {
      log.warn({ surface: "slack", problem: parsed.bad }, "malformed slack payload refused");
      return reply.code(400).send({ error: parsed.bad });
    }
    const body = parsed.body;
    if (body.type === "url_verification") return reply.send({ challenge: body.challenge });
    const isEvent = body.type === "event_callback";
    if (isEvent && !eventEnvelope.safeParse(body).success) {
      // Acknowledged and dropped: a retry of a malformed event could never succeed.
      log.warn(
        { surface: "slack", problem: "event envelope without its event or id" },
        "malformed slack event dropped",
      );
      return reply.code(200).send();
    }

    // The signature covers the timestamp and the body: seen before, it is a replay (runs nothing).
    try {
      if (!(await this.options.firstSeen(`slack:${signature}`, 2 * MAX_SKEW_SECONDS))) {
        log.warn({ surface: "slack", type: body.type }, "slack request replayed: refused");
        return isEvent ? reply.code(200).send() : reply.code(409).send({ error: "request already handled" });
      }
    } catch (error) {
      const answer = describeError(error);
      return reply
        .code(503)
        .send({ error: answer.kind === "bug" ? "The oracle cannot answer right now." : answer.message });
    }

    const app = this.app;
    if (!app) return reply.code(503).send({ error: "Slack app not initialised" });

    let acked = false;
    let answer: (response: unknown) => void = () => {};
    const acknowledged = new Promise<unknown>((resolve) => (answer = resolve));
    const retryNum = header(request, "x-slack-retry-num");
    const event: ReceiverEvent = {
      body,
      retryNum: retryNum === undefined ? undefined : Number.parseInt(retryNum, 10),
      retryReason: header(request, "x-slack-retry-reason"),
      ack: async (response?: unknown) => {
        if (acked) throw new ReceiverMultipleAckError();
        acked = true;
        answer(response);
      },
    };
    const deadline = new Promise<"late">((resolve) => setTimeout(() => resolve("late"), ACK_DEADLINE_MS).unref());
    // Resolves with null when the listeners finished, or with what failed (app.error rethrows only a
    // database that is out; Bolt itself may throw on a payload it cannot read).
    const work = app
      .processEvent(event)
      .then(
        () => null,
        (error: unknown) => error,
      )
      .finally(() => {
        // Nothing acked it (no listener matched): answer 200 so Slack does not retry.
        if (!acked) {
          acked = true;
          answer(undefined);
        }
      });
    const response = await Promise.race([acknowledged, deadline]);
    if (response === "late") {
      log.error({ surface: "slack", type: body.type }, "slack request not acknowledged in time");
      return reply.code(200).send();
    }
    // Events (reactions) are answered once recorded, so a write the database refused is retried by
    // Slack rather than acknowledged and lost (app.error rethrows only those); recording is
    // idempotent, so the retry cannot count twice.
    if (isEvent) {
      const failed = await Promise.race([work, deadline]);
      if (failed !== null && failed !== "late") {
        const original = (failed as { original?: unknown }).original ?? failed;
        if (describeError(original).kind === "unavailable")
          return reply.code(503).send({ error: "event not processed; retry later" });
        // Anything else cannot succeed on a retry: acknowledged and dropped, with its line in the log.
        log.warn({ surface: "slack", problem: shortError(original) }, "slack event could not be read; dropped");
      }
    }
    if (response === undefined || response === "") return reply.code(200).send();
    return typeof response === "string"
      ? reply.code(200).type("text/plain").send(response)
      : reply.code(200).send(response);
  }
}
