// A local stand-in for Slack's servers, speaking their protocol: the Web API (POST /api/<method>,
// form or JSON bodies, `{ ok, ... }` answers), response_url hooks, and the Socket Mode WebSocket
// that apps.connections.open points at. Every call is recorded for assertions; posted messages are
// kept per channel, with their metadata, for conversations.history.
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { parse as parseQuery } from "node:querystring";
import { WebSocketServer, type WebSocket } from "ws";

interface RecordedCall {
  method: string;
  args: Record<string, unknown>;
  /** The token the call was made with (Authorization: Bearer), if any. */
  token?: string;
  at: number;
}

export interface FakeSlackOptions {
  /** users.info reports these as workspace admins. */
  admins?: string[];
  /** chat.postMessage answers { ok: false, error } for these channels. */
  channelErrors?: Record<string, string>;
  /**
   * A call this returns "drop" or "store" for is never answered (the connection stays open, as when
   * the caller dies mid-call): "store" keeps the message, as Slack does once it has it; "drop" not.
   */
  hold?: (call: RecordedCall) => "drop" | "store" | undefined;
}

/** A message as Slack keeps it (what conversations.history returns). */
interface StoredMessage {
  type: "message";
  ts: string;
  text: unknown;
  blocks?: unknown;
  bot_id: string;
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
}

export interface FakeSlack {
  /** SLACK_API_URL for the app (ends with a slash, as Slack's does). */
  apiUrl: string;
  /** A response_url the fake records posts to. */
  responseUrl(id: string): string;
  calls: RecordedCall[];
  callsOf(method: string): RecordedCall[];
  /** Resolves with the first call of `method` (since `from`) matching `predicate`. */
  waitFor(method: string, predicate?: (call: RecordedCall) => boolean, timeoutMs?: number): Promise<RecordedCall>;
  /** Messages posted (and stored) in a channel, oldest first. */
  messages(channel: string): StoredMessage[];
  /** Socket Mode: the connected app's socket and the frames it sent back. */
  socket: { connected: Promise<WebSocket>; received: unknown[] };
  /** Called for every call as it arrives (the load bench times posts with it). */
  onCall: ((call: RecordedCall) => void) | null;
  /** Keep every call in `calls` (tests); the load bench turns it off. */
  keepCalls: boolean;
  close(): Promise<void>;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (c: Buffer) => chunks.push(c));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

/** Web API form fields that carry JSON (blocks, view) are decoded as Slack does. */
function decodeArgs(raw: string, contentType: string | undefined): Record<string, unknown> {
  if (!raw) return {};
  if (contentType?.includes("application/json")) return JSON.parse(raw) as Record<string, unknown>;
  const form = parseQuery(raw) as Record<string, unknown>;
  for (const key of ["blocks", "view", "attachments", "metadata"]) {
    if (typeof form[key] === "string") form[key] = JSON.parse(form[key]);
  }
  return form;
}

export async function startFakeSlack(options: FakeSlackOptions = {}): Promise<FakeSlack> {
  const calls: RecordedCall[] = [];
  const waiters: { method: string; predicate: (c: RecordedCall) => boolean; resolve: (c: RecordedCall) => void }[] = [];
  const admins = new Set(options.admins ?? []);
  const channels = new Map<string, StoredMessage[]>();
  let tsCounter = 0;
  let base = "";

  const record = (call: RecordedCall) => {
    if (fake.keepCalls) calls.push(call);
    fake.onCall?.(call);
    for (const w of [...waiters]) {
      if (w.method === call.method && w.predicate(call)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(call);
      }
    }
  };

  const store = Object.assign(
    (channel: string, args: Record<string, unknown>): StoredMessage => {
      const ts = `${Math.floor(Date.now() / 1000)}.${String(++tsCounter).padStart(6, "0")}`;
      const message: StoredMessage = {
        type: "message",
        ts,
        text: args.text,
        blocks: args.blocks,
        bot_id: "BBOT",
        ...(args.metadata ? { metadata: args.metadata as StoredMessage["metadata"] } : {}),
      };
      channels.set(channel, [...(channels.get(channel) ?? []), message]);
      store.last = message;
      return message;
    },
    { last: undefined as StoredMessage | undefined },
  );

  const answer = (method: string, args: Record<string, unknown>): Record<string, unknown> => {
    switch (method) {
      case "auth.test":
        return {
          ok: true,
          url: "https://oracle-test.slack.com/",
          team: "Oracle Test",
          user: "oracle",
          team_id: "T0TEST",
          user_id: "UBOT",
          bot_id: "BBOT",
        };
      case "chat.postMessage": {
        const channel = String(args.channel);
        const error = options.channelErrors?.[channel];
        if (error) return { ok: false, error };
        return { ok: true, channel, ts: store(channel, args).ts, message: store.last };
      }
      case "conversations.history": {
        // Newest first, as Slack answers; metadata only when asked for.
        const oldest = Number(args.oldest ?? 0);
        const all = [...(channels.get(String(args.channel)) ?? [])]
          .filter((m) => Number(m.ts) >= oldest)
          .reverse()
          .map((m) =>
            args.include_all_metadata === true || args.include_all_metadata === "true"
              ? m
              : { ...m, metadata: undefined },
          );
        const start = Number(args.cursor ?? 0);
        const limit = Number(args.limit ?? 100);
        const page = all.slice(start, start + limit);
        const more = start + limit < all.length;
        return {
          ok: true,
          messages: page,
          has_more: more,
          response_metadata: { next_cursor: more ? String(start + limit) : "" },
        };
      }
      case "users.info": {
        const user = String(args.user);
        return {
          ok: true,
          user: {
            id: user,
            name: user.toLowerCase(),
            is_admin: admins.has(user),
            is_owner: false,
            is_primary_owner: false,
          },
        };
      }
      case "views.publish":
        return { ok: true, view: { id: "V1", ...(args.view as object) } };
      case "apps.connections.open":
        return { ok: true, url: `${base.replace(/^http/, "ws")}/socket` };
      default:
        return { ok: false, error: "unknown_method" };
    }
  };

  const server: Server = createServer((request, response) => {
    void (async () => {
      const raw = await readBody(request);
      const url = request.url ?? "/";
      const contentType = request.headers["content-type"];
      if (url.startsWith("/respond/")) {
        record({
          method: "respond",
          args: { id: url.slice("/respond/".length), ...decodeArgs(raw, "application/json") },
          at: performance.now(),
        });
        response.writeHead(200, { "content-type": "text/plain" }).end("ok");
        return;
      }
      const method = url.replace(/^\/api\//, "").split("?")[0];
      const args = decodeArgs(raw, contentType);
      const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? "")?.[1];
      const call = { method, args, token, at: performance.now() };
      const held = options.hold?.(call);
      if (held) {
        if (held === "store" && method === "chat.postMessage") store(String(args.channel), args);
        record(call);
        return; // never answered: the caller is gone (or goes) before Slack replies
      }
      const body = answer(method, args);
      record(call);
      response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
    })().catch((error: unknown) => {
      response.writeHead(500).end(String(error));
    });
  });

  // Socket Mode: hello on connect, then the test sends envelopes; the app's acks are recorded.
  const wss = new WebSocketServer({ server, path: "/socket" });
  const received: unknown[] = [];
  let connectedResolve: (ws: WebSocket) => void = () => {};
  const connected = new Promise<WebSocket>((resolve) => (connectedResolve = resolve));
  wss.on("connection", (ws) => {
    ws.on("message", (data) => {
      received.push(JSON.parse((data as Buffer).toString())); // ws hands text frames over as a Buffer
    });
    ws.send(
      JSON.stringify({
        type: "hello",
        num_connections: 1,
        debug_info: { host: "fake", approximate_connection_time: 18060 },
        connection_info: { app_id: "A0TEST" },
      }),
    );
    connectedResolve(ws);
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const fake: FakeSlack = {
    onCall: null,
    keepCalls: true,
    apiUrl: `${base}/api/`,
    responseUrl: (id) => `${base}/respond/${id}`,
    calls,
    callsOf: (method) => calls.filter((c) => c.method === method),
    waitFor(method, predicate = () => true, timeoutMs = 10_000) {
      const found = calls.find((c) => c.method === method && predicate(c));
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const waiter = {
          method,
          predicate,
          resolve: (c: RecordedCall) => {
            clearTimeout(timer);
            resolve(c);
          },
        };
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(waiter), 1);
          reject(
            new Error(
              `fake Slack: no ${method} call within ${timeoutMs} ms (calls: ${calls.map((c) => c.method).join(", ") || "none"})`,
            ),
          );
        }, timeoutMs);
        waiters.push(waiter);
      });
    },
    messages: (channel) => [...(channels.get(channel) ?? [])],
    socket: { connected, received },
    async close() {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return fake;
}
