// The receiver alone: the real Bolt App on a real Fastify server through FastifyReceiver, with
// listeners written here to observe what Bolt hands over (the end-to-end suite covers the app's own).
import { App } from "@slack/bolt";
import Fastify, { type FastifyInstance } from "fastify";
import { afterAll, beforeAll, expect, it } from "vitest";
import { boltLogger } from "../../../bot/slack/bolt-logger.ts";
import { FastifyReceiver } from "../../../bot/slack/fastify-receiver.ts";
import { UnavailableError } from "../../../core/errors.ts";
import { silentLogger } from "../../../core/logger.ts";
import { startFakeSlack, type FakeSlack } from "./fake-slack.ts";
import { commandBody, eventBody, sendSigned, SIGNING_SECRET, slackSignature } from "./signing.ts";

let fake: FakeSlack;
let server: FastifyInstance;
let url: string;
const seen: { type: string; retryNum?: number }[] = [];
let failNextEvent = false;
let failForGood = false;

beforeAll(async () => {
  fake = await startFakeSlack();
  // The oracle keeps seen requests in the database; the receiver alone needs only the yes/no.
  const keys = new Set<string>();
  const firstSeen = async (key: string) => !keys.has(key) && Boolean(keys.add(key));
  const receiver = new FastifyReceiver({ signingSecret: SIGNING_SECRET, log: silentLogger, firstSeen });
  const app = new App({
    token: "xoxb-test",
    receiver,
    logger: boltLogger(silentLogger),
    clientOptions: { slackApiUrl: fake.apiUrl },
  });
  // As the Slack surface's handler does (app.ts): only a database that is out goes back to the receiver.
  app.error(async (error) => {
    if ((error as { original?: unknown }).original instanceof UnavailableError) throw error;
  });
  app.command("/echo", async ({ command, ack }) => {
    await ack({ response_type: "ephemeral", text: `echo ${command.text}` });
  });
  app.command("/silent", async () => {});
  app.event("reaction_added", async ({ event, context }) => {
    seen.push({ type: event.type, retryNum: context.retryNum });
    if (failForGood) {
      failForGood = false;
      throw new Error("a bug in the listener");
    }
    if (failNextEvent) {
      failNextEvent = false;
      throw new UnavailableError("The database is unreachable; the oracle cannot answer until it is fixed.");
    }
  });
  server = Fastify();
  // Another route on the same server keeps its default JSON parsing (the raw-body parser is local).
  server.post("/other", async (request) => ({ parsed: request.body }));
  await server.register(receiver.plugin);
  await server.listen({ port: 0, host: "127.0.0.1" });
  url = `http://127.0.0.1:${(server.server.address() as { port: number }).port}`;
});
afterAll(async () => {
  await server?.close();
  await fake?.close();
});

const reaction = () => ({
  type: "reaction_added",
  user: "U1",
  reaction: "fire",
  item: { type: "message", channel: "C1", ts: "1.000001" },
  event_ts: "1700000000.000100",
});

it("answers with the listener's ack body", async () => {
  const response = await sendSigned({ url }, commandBody(fake, "/echo", "a & b"), "application/x-www-form-urlencoded");
  expect(response.status).toBe(200);
  expect(await response.json()).toEqual({ response_type: "ephemeral", text: "echo a & b" });
});

it("rejects missing, forged and stale signatures with 401 before any listener runs", async () => {
  const body = commandBody(fake, "/echo", "x");
  const now = Math.floor(Date.now() / 1000);
  expect((await sendSigned({ url }, body, "application/x-www-form-urlencoded", { secret: "wrong" })).status).toBe(401);
  expect((await sendSigned({ url }, body, "application/x-www-form-urlencoded", { timestamp: now - 301 })).status).toBe(
    401,
  );
  expect((await sendSigned({ url }, body, "application/x-www-form-urlencoded", { timestamp: now - 290 })).status).toBe(
    200,
  );
  expect(
    (
      await fetch(`${url}/slack/events`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body,
      })
    ).status,
  ).toBe(401);
  // The signature covers the exact bytes: one changed byte fails.
  const response = await fetch(`${url}/slack/events`, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      "x-slack-request-timestamp": String(now),
      "x-slack-signature": slackSignature(body, now),
    },
    body: body.replace("text=x", "text=y"),
  });
  expect(response.status).toBe(401);
});

it("answers a command nobody acknowledges with an empty 200, and an unreadable signed body with 400", async () => {
  const silent = await sendSigned({ url }, commandBody(fake, "/silent", ""), "application/x-www-form-urlencoded");
  expect(silent.status).toBe(200);
  expect((await sendSigned({ url }, "{not json", "application/json")).status).toBe(400);
});

it("passes retries to Bolt and answers an event only once it is processed: 503 when the database was out, so Slack retries", async () => {
  seen.length = 0;
  failNextEvent = true;
  const failed = await sendSigned({ url }, eventBody(reaction()), "application/json");
  expect(failed.status).toBe(503);
  const retried = await sendSigned({ url }, eventBody(reaction()), "application/json", { retryNum: 1 });
  expect(retried.status).toBe(200);
  expect(seen).toEqual([
    { type: "reaction_added", retryNum: undefined },
    { type: "reaction_added", retryNum: 1 },
  ]);
});

it("answers ssl_check unsigned and keeps other routes' parsing", async () => {
  const ssl = await fetch(`${url}/slack/events`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: "ssl_check=1&token=x",
  });
  expect(ssl.status).toBe(200);
  const other = await fetch(`${url}/other`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ a: 1 }),
  });
  expect(await other.json()).toEqual({ parsed: { a: 1 } });
});

it("acknowledges (200) an event whose listener failed for good, so Slack does not retry it forever", async () => {
  seen.length = 0;
  failForGood = true;
  const res = await sendSigned({ url }, eventBody(reaction()), "application/json");
  expect(res.status).toBe(200);
  expect(seen).toHaveLength(1);
});
