// A local stand-in for Discord's servers (which tests cannot reach), speaking their real protocol
// to the real discord.js client: a REST API (discord.js takes a custom `rest.api` base) and a
// WebSocket gateway whose URL comes from GET /gateway/bot (HELLO, IDENTIFY, READY, heartbeats and
// ACKs, GUILD_CREATE, dispatches).
import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocketServer, type WebSocket } from "ws";

/**
 * A JSON body the bot sent, its fields named as Discord's API names them. A test reads the fields the
 * request it waited for must carry; one that is missing fails its expectation.
 */
interface SentBody extends SentMessage {
  /** An interaction callback's response type, and its message. */
  type: number;
  data: SentMessage;
}

/** A message the bot sent: a callback's data, a webhook edit, a channel post. */
export interface SentMessage {
  [field: string]: unknown;
  content: string;
  flags: number;
  embeds: { title: string; description: string; footer: { text: string } }[];
  components: { components: { custom_id: string }[] }[];
  allowed_mentions: { parse: string[] };
}

/** A gateway frame the client sent: IDENTIFY carries the token, the shard and the intents. */
interface GatewayFrame {
  op: number;
  d: { token?: string; shard?: [number, number]; intents?: number } | null;
}

export interface RecordedRequest {
  method: string;
  /** Path below /api/v10, e.g. /interactions/1/tok/callback. */
  path: string;
  query: URLSearchParams;
  /** Parsed JSON (text or null when the request carried none). */
  body: SentBody;
  auth: string | undefined;
  at: number;
}

export interface FakeDiscordOptions {
  token?: string;
  applicationId?: string;
  botUserId?: string;
  guildId?: string;
  channelId?: string;
  /** Roles the guild has (beside @everyone), so members' role ids resolve. */
  roleIds?: string[];
}

let nextId = 1_310_000_000_000_000_000n;
/** A fresh snowflake-shaped id. */
export const snowflake = () => String(nextId++);

type Message = Record<string, unknown> & { id: string; channel_id: string };

export class FakeDiscord {
  readonly token: string;
  readonly applicationId: string;
  readonly botUserId: string;
  readonly guildId: string;
  readonly channelId: string;
  readonly requests: RecordedRequest[] = [];
  /** Gateway frames the client sent (IDENTIFY, heartbeats…). */
  readonly gatewayFrames: GatewayFrame[] = [];
  /** Messages by interaction token: the interaction's original response. */
  private readonly originals = new Map<string, Message>();
  private readonly sockets = new Set<WebSocket>();
  /** The shard each identified connection runs: [id, count]. */
  private readonly shards = new Map<WebSocket, [number, number]>();
  private seq = 0;
  private server!: Server;
  private wss!: WebSocketServer;
  private listeners: (() => void)[] = [];
  url = "";
  /** Called for every REST request as it arrives (the benchmark times follow-ups with it). */
  onRequest: ((r: RecordedRequest) => void) | null = null;
  /** Keep every request in `requests` (tests); the benchmark turns it off. */
  keepRequests = true;

  constructor(private readonly opts: FakeDiscordOptions = {}) {
    this.token = opts.token ?? "fake-bot-token";
    this.applicationId = opts.applicationId ?? snowflake();
    this.botUserId = opts.botUserId ?? this.applicationId;
    this.guildId = opts.guildId ?? snowflake();
    this.channelId = opts.channelId ?? snowflake();
  }

  /** The REST base to give discord.js (`rest.api`, DISCORD_API_URL). */
  get apiUrl() {
    return `${this.url}/api`;
  }
  get wsUrl() {
    return this.url.replace(/^http/, "ws");
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.wss = new WebSocketServer({ server: this.server });
    this.wss.on("connection", (ws) => this.connect(ws));
    this.server.listen(0, "127.0.0.1");
    await once(this.server, "listening");
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    for (const ws of this.sockets) ws.terminate();
    this.wss.close();
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  // ---------------- gateway ----------------

  private send(ws: WebSocket, payload: { op: number; d: unknown; t?: string | null; s?: number | null }) {
    ws.send(JSON.stringify({ t: null, s: null, ...payload }));
  }

  private connect(ws: WebSocket) {
    this.sockets.add(ws);
    ws.on("close", () => {
      this.sockets.delete(ws);
      this.shards.delete(ws);
    });
    this.send(ws, { op: 10, d: { heartbeat_interval: 41_250 } });
    ws.on("message", (raw) => {
      const frame = JSON.parse((raw as Buffer).toString()) as GatewayFrame; // ws hands text frames over as a Buffer
      this.gatewayFrames.push(frame);
      this.notify();
      if (frame.op === 1) this.send(ws, { op: 11, d: null });
      else if (frame.op === 2) {
        if (frame.d?.token !== this.token && frame.d?.token !== `Bot ${this.token}`) {
          ws.close(4004, "Authentication failed.");
          return;
        }
        this.ready(ws, frame.d?.shard);
      }
    });
  }

  /** Which shard Discord sends a guild's events to: (guild_id >> 22) % shard_count. */
  private ownsGuild(ws: WebSocket, guildId: string): boolean {
    const [id, count] = this.shards.get(ws) ?? [0, 1];
    return Number((BigInt(guildId) >> 22n) % BigInt(count)) === id;
  }

  private ready(ws: WebSocket, shard: [number, number] = [0, 1]) {
    this.shards.set(ws, shard);
    this.send(ws, {
      op: 0,
      t: "READY",
      s: ++this.seq,
      d: {
        v: 10,
        user: {
          id: this.botUserId,
          username: "oracle",
          discriminator: "0",
          global_name: "Oracle",
          avatar: null,
          bot: true,
          flags: 0,
        },
        guilds:
          this.shards.get(ws) && this.ownsGuild(ws, this.guildId) ? [{ id: this.guildId, unavailable: true }] : [],
        session_id: `session-${snowflake()}`,
        resume_gateway_url: this.wsUrl,
        shard,
        application: { id: this.applicationId, flags: 0 },
        private_channels: [],
        relationships: [],
      },
    });
    // As Discord does: the guilds of READY arrive next, one GUILD_CREATE each, on the shard that owns them.
    if (this.ownsGuild(ws, this.guildId)) this.send(ws, { op: 0, t: "GUILD_CREATE", s: ++this.seq, d: this.guild() });
  }

  private guild() {
    const role = (id: string, name: string, permissions: string) => ({
      id,
      name,
      permissions,
      position: 0,
      color: 0,
      hoist: false,
      managed: false,
      mentionable: false,
      flags: 0,
    });
    return {
      id: this.guildId,
      name: "Oracle test server",
      icon: null,
      owner_id: snowflake(),
      afk_channel_id: null,
      afk_timeout: 300,
      verification_level: 0,
      default_message_notifications: 0,
      explicit_content_filter: 0,
      mfa_level: 0,
      nsfw_level: 0,
      premium_tier: 0,
      system_channel_flags: 0,
      features: [],
      emojis: [],
      stickers: [],
      preferred_locale: "en-US",
      roles: [
        role(this.guildId, "@everyone", "0"),
        ...(this.opts.roleIds ?? []).map((id) => role(id, `role-${id}`, "0")),
      ],
      channels: [
        {
          id: this.channelId,
          type: 0,
          name: "oracle",
          guild_id: this.guildId,
          position: 0,
          permission_overwrites: [],
          nsfw: false,
          topic: null,
          parent_id: null,
        },
      ],
      threads: [],
      members: [],
      voice_states: [],
      presences: [],
      stage_instances: [],
      guild_scheduled_events: [],
      member_count: 2,
      large: false,
      unavailable: false,
      joined_at: new Date().toISOString(),
    };
  }

  /** Sends one dispatch (op 0): a guild's event to the shard that owns the guild, others to every shard. */
  dispatch(t: string, d: unknown): void {
    const guildId = (d as { guild_id?: string }).guild_id;
    for (const ws of this.sockets) {
      if (!guildId || this.ownsGuild(ws, guildId)) this.send(ws, { op: 0, t, d, s: ++this.seq });
    }
  }

  get connected() {
    return this.sockets.size;
  }
  /** [id, count] of every identified shard. */
  get identifiedShards() {
    return [...this.shards.values()];
  }

  // ---------------- payload builders ----------------

  user(id: string) {
    return { id, username: `user${id.slice(-4)}`, discriminator: "0", global_name: null, avatar: null };
  }

  member(userId: string, roles: string[] = [], permissions = "0") {
    return {
      user: this.user(userId),
      roles,
      permissions,
      joined_at: new Date().toISOString(),
      deaf: false,
      mute: false,
      flags: 0,
      nick: null,
      avatar: null,
      premium_since: null,
      pending: false,
    };
  }

  /** An APPLICATION_COMMAND interaction (chat input) as Discord sends it. */
  commandInteraction(
    name: string,
    options: { name: string; type: number; value: unknown }[],
    by: { userId: string; roles?: string[]; permissions?: string },
  ) {
    return this.interaction(2, { id: snowflake(), name, type: 1, options }, by);
  }

  /** A button click on a message the bot posted. */
  buttonInteraction(customId: string, message: Message, by: { userId: string; roles?: string[] }) {
    return { ...this.interaction(3, { custom_id: customId, component_type: 2 }, by), message };
  }

  private interaction(type: number, data: unknown, by: { userId: string; roles?: string[]; permissions?: string }) {
    return {
      id: snowflake(),
      application_id: this.applicationId,
      type,
      data,
      token: `itoken-${snowflake()}`,
      version: 1,
      guild_id: this.guildId,
      channel_id: this.channelId,
      channel: { id: this.channelId, type: 0, guild_id: this.guildId, name: "oracle" },
      member: this.member(by.userId, by.roles ?? [], by.permissions ?? "0"),
      locale: "en-US",
      guild_locale: "en-US",
      app_permissions: "2248473465835073",
      entitlements: [],
      authorizing_integration_owners: { "0": this.guildId },
      context: 0,
      attachment_size_limit: 8_388_608,
    };
  }

  reaction(kind: "add" | "remove", messageId: string, userId: string, emoji: { id: string | null; name: string }) {
    return {
      user_id: userId,
      channel_id: this.channelId,
      message_id: messageId,
      guild_id: this.guildId,
      emoji,
      burst: false,
      type: 0,
      ...(kind === "add" ? { member: this.member(userId), message_author_id: this.botUserId, burst_colors: [] } : {}),
    };
  }

  // ---------------- REST ----------------

  /** The message an interaction's answer became; for HTTP interactions the test hands it over. */
  setOriginal(token: string, data: Record<string, unknown>): Message {
    const message = this.message(this.channelId, data);
    this.originals.set(token, message);
    this.notify();
    return message;
  }

  original(token: string): Message | undefined {
    return this.originals.get(token);
  }

  private message(channelId: string, data: Record<string, unknown>): Message {
    return {
      id: snowflake(),
      channel_id: channelId,
      guild_id: this.guildId,
      type: 20,
      content: "",
      embeds: [],
      components: [],
      ...data,
      author: { ...this.user(this.botUserId), username: "oracle", bot: true },
      application_id: this.applicationId,
      webhook_id: this.applicationId,
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      attachments: [],
      pinned: false,
      flags: data.flags ?? 0,
    };
  }

  private notify() {
    const waiting = this.listeners;
    this.listeners = [];
    for (const l of waiting) l();
  }

  /** Resolves with the first recorded request matching `pred` (already there, or when it comes). */
  async waitForRequest(pred: (r: RecordedRequest) => boolean, timeoutMs = 10_000): Promise<RecordedRequest> {
    return this.waitFor(() => this.requests.find(pred), timeoutMs, "REST request");
  }

  async waitFor<T>(probe: () => T | undefined | null | false, timeoutMs = 10_000, what = "condition"): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = probe();
      if (v) return v;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`fake Discord: timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 200));
        this.listeners.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? "/", this.url);
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    const path = decodeURIComponent(url.pathname).replace(/^\/api\/v10/, "");
    const record: RecordedRequest = {
      method: req.method ?? "GET",
      path,
      query: url.searchParams,
      body: (text && (req.headers["content-type"] ?? "").includes("json")
        ? JSON.parse(text)
        : text || null) as SentBody,
      auth: req.headers.authorization,
      at: Date.now(),
    };
    if (this.keepRequests) this.requests.push(record);
    this.onRequest?.(record);
    this.notify();
    const json = (status: number, body?: unknown) => {
      res.writeHead(status, body === undefined ? {} : { "content-type": "application/json" });
      res.end(body === undefined ? undefined : JSON.stringify(body));
    };
    const needsBot = () => {
      if (req.headers.authorization === `Bot ${this.token}`) return false;
      json(401, { message: "401: Unauthorized", code: 0 });
      return true;
    };
    let m: RegExpMatchArray | null;
    if (record.method === "GET" && path === "/gateway/bot") {
      if (needsBot()) return;
      return json(200, {
        url: this.wsUrl,
        shards: 1,
        session_start_limit: { total: 1000, remaining: 999, reset_after: 0, max_concurrency: 1 },
      });
    }
    if (record.method === "GET" && path === "/applications/@me") {
      if (needsBot()) return;
      return json(200, {
        id: this.applicationId,
        name: "Oracle",
        description: "",
        bot_public: true,
        bot_require_code_grant: false,
        verify_key: "",
        flags: 0,
      });
    }
    if (record.method === "PUT" && (m = path.match(/^\/applications\/(\d+)(?:\/guilds\/(\d+))?\/commands$/))) {
      if (needsBot()) return;
      return json(
        200,
        (record.body as unknown as object[]).map((c) => ({
          ...c,
          id: snowflake(),
          application_id: m![1],
          version: snowflake(),
        })),
      );
    }
    if (record.method === "POST" && (m = path.match(/^\/interactions\/(\d+)\/([^/]+)\/callback$/))) {
      const [, id, token] = m;
      const cb = record.body as { type: number; data?: Record<string, unknown> };
      // 4: a message now; 5: "thinking…" (a message edited later); 7: update; 8: autocomplete choices.
      let message: Message | undefined;
      if (cb.type === 4 || cb.type === 5) {
        message = this.message(this.channelId, cb.type === 4 ? (cb.data ?? {}) : { flags: cb.data?.flags ?? 0 });
        this.originals.set(token, message);
      }
      if (url.searchParams.get("with_response") === "true") {
        return json(200, {
          interaction: {
            id,
            type: 2,
            response_message_id: message?.id,
            response_message_loading: cb.type === 5,
            response_message_ephemeral: Boolean(((cb.data?.flags as number) ?? 0) & 64),
          },
          resource: { type: cb.type, ...(message ? { message } : {}) },
        });
      }
      return json(204);
    }
    if ((m = path.match(/^\/webhooks\/(\d+)\/([^/]+)\/messages\/@original$/))) {
      const token = m[2];
      // An HTTP interaction's first answer reaches this fake through the test (setOriginal), a moment
      // after the bot sent it; Discord itself has it at once. Wait for it a little.
      const message =
        this.originals.get(token) ??
        (await this.waitFor(() => this.originals.get(token), 3_000, "original message").catch(() => undefined));
      if (!message) return json(404, { message: "Unknown Message", code: 10008 });
      if (record.method === "GET") return json(200, message);
      if (record.method === "PATCH") {
        Object.assign(message, record.body, { edited_timestamp: new Date().toISOString() });
        return json(200, message);
      }
      if (record.method === "DELETE") {
        this.originals.delete(token);
        return json(204);
      }
    }
    if (record.method === "POST" && (m = path.match(/^\/webhooks\/(\d+)\/([^/]+)$/))) {
      return json(200, this.message(this.channelId, record.body));
    }
    if (record.method === "POST" && (m = path.match(/^\/channels\/(\d+)\/messages$/))) {
      if (needsBot()) return;
      return json(200, {
        ...this.message(m[1], record.body),
        type: 0,
        webhook_id: undefined,
      });
    }
    json(404, { message: "404: Not Found", code: 0 });
  }
}
