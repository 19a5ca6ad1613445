// Bolt's request handling mounted on the bot's one Fastify server: a custom Bolt Receiver whose
// route reads the raw body (signatures cover the exact bytes), verifies it with Bolt's own
// `verifySlackRequest` (HMAC + 5-minute staleness), and hands the event to `app.processEvent`.
// The HTTP answer goes out when a listener calls ack(); the listener's work continues after it
// (tracked by the listeners themselves, so SIGTERM's drain waits for it).
import { parse as parseQuery } from "node:querystring";
import { ReceiverMultipleAckError, verifySlackRequest, type App, type Receiver, type ReceiverEvent } from "@slack/bolt";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Logger } from "../../core/logger.ts";

export const SLACK_EVENTS_PATH = "/slack/events";
/** Slack gives up after 3 s; an unacknowledged request is answered (empty) just before. */
const ACK_DEADLINE_MS = 2_900;
const BODY_LIMIT = 1024 * 1024;

export interface FastifyReceiverOptions {
  signingSecret: string;
  log: Logger;
  /** Clock of the staleness check (tests). */
  now?: () => number;
}

type Parsed = { body: Record<string, unknown> } | { sslCheck: true } | { bad: string };

function parseBody(raw: string, contentType: string | undefined): Parsed {
  try {
    if (contentType?.startsWith("application/x-www-form-urlencoded")) {
      const form = parseQuery(raw);
      if (form.ssl_check === "1") return { sslCheck: true };
      // Interactivity arrives as a form with one JSON `payload` field; commands as plain fields.
      return { body: typeof form.payload === "string" ? JSON.parse(form.payload) : { ...form } };
    }
    const body: unknown = JSON.parse(raw);
    if (typeof body !== "object" || body === null || Array.isArray(body)) return { bad: "body is not a JSON object" };
    return { body: body as Record<string, unknown> };
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
    try {
      if (signature === undefined || timestamp === undefined)
        throw new Error("missing x-slack-signature or x-slack-request-timestamp");
      verifySlackRequest({
        signingSecret: this.options.signingSecret,
        body: raw,
        headers: { "x-slack-signature": signature, "x-slack-request-timestamp": Number(timestamp) },
        nowMilliseconds: this.options.now?.(),
      });
    } catch (error) {
      log.warn({ surface: "slack", reason: (error as Error).message }, "slack request rejected");
      return reply.code(401).send({ error: "invalid Slack signature" });
    }
    if ("bad" in parsed) return reply.code(400).send({ error: parsed.bad });
    const body = parsed.body;
    if (body.type === "url_verification") return reply.send({ challenge: body.challenge });

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
    // Resolves true when the listeners finished, false when one failed (app.error has logged it).
    const work = app
      .processEvent(event)
      .then(
        () => true,
        () => false,
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
    // Events (reactions) are answered once recorded, so a failed write is retried by Slack rather
    // than acknowledged and lost; recording is idempotent, so the retry cannot count twice.
    if (body.type === "event_callback" && (await Promise.race([work, deadline])) === false) {
      return reply.code(500).send({ error: "event not processed; retry" });
    }
    if (response === undefined || response === "") return reply.code(200).send();
    return typeof response === "string"
      ? reply.code(200).type("text/plain").send(response)
      : reply.code(200).send(response);
  }
}
