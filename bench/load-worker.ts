// The far side of the load bench, on its own thread (as Discord, Slack and the web's users are on
// other machines): the fake Discord REST API and fake Slack Web API the bot calls back, and the load
// generator for the three surfaces. Sending and receiving share this thread's clock, so a
// request's time (to the HTTP answer, or to the chat.postMessage carrying its quatrain) is exact and
// never waits on the bot's event loop, only on the cores.
import { Agent } from "node:http";
import { parentPort } from "node:worker_threads";
import { FakeDiscord, snowflake } from "../test/bot/discord/fake-discord.ts";
import { appKeys, signed } from "../test/bot/discord/signing.ts";
import { startFakeSlack } from "../test/bot/slack/fake-slack.ts";
import { commandBody, slackSignature } from "../test/bot/slack/signing.ts";
import { httpRequest } from "./http.ts";
import { quantile } from "./stats.ts";

export type LoadSurface = "discord" | "slack" | "web";

export interface RunRequest {
  type: "run";
  surface: LoadSurface;
  /** open: arrivals at `rate`/s (Poisson) for `seconds`, not waiting for answers; closed: `clients` back to back. */
  mode: "open" | "closed" | "warm";
  rate: number;
  clients: number;
  seconds: number;
  /** How long answers may still come after the last request was sent. */
  graceSeconds: number;
}

export interface RunFigures {
  surface: LoadSurface;
  mode: RunRequest["mode"];
  sent: number;
  served: number;
  /** Answered with the surface's "busy" (the shared in-flight limit). */
  busy: number;
  /** Anything else that is not a quatrain: HTTP errors, timeouts, failure replies. */
  errors: number;
  errorKinds: string[];
  /** Acknowledged (Slack: 200 without "busy") but neither answered nor told of a failure in the grace time. */
  lost: number;
  deferred: number;
  wallSeconds: number;
  p50ms: number;
  p99ms: number;
  maxMs: number;
  /** Prophecy ids the answers carried, to find in the database. */
  prophecyIds: number[];
}

export type WorkerMessage =
  | {
      type: "ready";
      discord: { publicKeyHex: string; applicationId: string; apiUrl: string };
      slack: { apiUrl: string };
    }
  | { type: "result"; figures: RunFigures };

/** What the load generator reads of a Discord message body. */
interface DiscordBody {
  content?: string;
  embeds?: { description?: string; footer?: { text?: string } }[];
}

interface Outcome {
  ok: boolean;
  busy?: boolean;
  /** Acknowledged, then nothing more came. */
  lost?: boolean;
  deferred?: boolean;
  ms: number;
  prophecyId?: number;
  error?: string;
}

const port = parentPort!;
const BUSY = /many questions at once/;
const keys = appKeys();
const discord = await new FakeDiscord().start();
discord.keepRequests = false;
const slack = await startFakeSlack();
slack.keepCalls = false;
port.postMessage({
  type: "ready",
  discord: { publicKeyHex: keys.publicKeyHex, applicationId: discord.applicationId, apiUrl: discord.apiUrl },
  slack: { apiUrl: slack.apiUrl },
} satisfies WorkerMessage);
const { url, secret } = await new Promise<{ url: string; secret: string }>((resolve) => port.once("message", resolve));
const agent = new Agent({ keepAlive: true, maxSockets: 512 });

// Answers that come back through the fakes: Discord's deferred edits by token, Slack's posts and failure replies by channel.
const discordEdits = new Map<string, (body: DiscordBody) => void>();
discord.onRequest = (r) => {
  const m = r.method === "PATCH" && r.path.match(/^\/webhooks\/\d+\/([^/]+)\/messages\/@original$/);
  if (m) discordEdits.get(m[1])?.(r.body);
};
const slackAnswers = new Map<string, (answer: { prophecyId?: number; failure?: string } | null) => void>();
slack.onCall = (call) => {
  if (call.method === "chat.postMessage") {
    const payload = (call.args.metadata as { event_payload?: { prophecy_id?: unknown } } | undefined)?.event_payload;
    slackAnswers.get(String(call.args.channel))?.({ prophecyId: Number(payload?.prophecy_id) });
  } else if (call.method === "respond") {
    slackAnswers.get(String(call.args.id))?.({ failure: String(call.args.text).slice(0, 80) });
  }
};

/** Resolves with what `register` hands it, or with null after `ms`. */
function answerWithin<T>(ms: number, register: (resolve: (v: T) => void) => () => void): Promise<T | null> {
  return new Promise((resolve) => {
    let unregister = () => {};
    const timer = setTimeout(() => {
      unregister();
      resolve(null);
    }, ms);
    unregister = register((v) => {
      clearTimeout(timer);
      unregister();
      resolve(v);
    });
  });
}

const footerId = (data: DiscordBody | undefined): number | undefined => {
  const lines = String(data?.embeds?.[0]?.description ?? "").split("\n");
  const id = String(data?.embeds?.[0]?.footer?.text ?? "").match(/#(\d+)$/)?.[1];
  return lines.length === 4 && id ? Number(id) : undefined;
};

let graceMs = 30_000;
let counter = 0;

async function discordOne(): Promise<Outcome> {
  const interaction = discord.commandInteraction("prophecy", [{ name: "temperature", type: 10, value: 1.2 }], {
    userId: snowflake(),
  });
  // Ids no earlier run on this database has used (the bot refuses a replayed interaction id).
  interaction.id = String((BigInt(Date.now()) << 22n) | BigInt(++counter % 4_000_000));
  const req = signed(keys, interaction);
  const t0 = performance.now();
  const res = await httpRequest(agent, `${url}/discord/interactions`, "POST", req.body, req.headers, graceMs);
  if (res.status !== 200) return { ok: false, ms: performance.now() - t0, error: `HTTP ${res.status}` };
  const answer = JSON.parse(res.text) as { type: number; data?: DiscordBody };
  if (answer.type === 4) {
    // What Discord does with it: the message exists, the bot can look it up (for reactions).
    discord.setOriginal(interaction.token, { ...answer.data });
    const id = footerId(answer.data);
    if (id) return { ok: true, ms: performance.now() - t0, prophecyId: id };
    const busy = BUSY.test(String(answer.data?.content));
    return { ok: false, busy, ms: performance.now() - t0, error: busy ? "busy" : "no quatrain" };
  }
  if (answer.type === 5) {
    discord.setOriginal(interaction.token, {});
    const body = await answerWithin<DiscordBody>(graceMs, (resolve) => {
      discordEdits.set(interaction.token, resolve);
      return () => discordEdits.delete(interaction.token);
    });
    const id = body && footerId(body);
    if (id) return { ok: true, deferred: true, ms: performance.now() - t0, prophecyId: id };
    if (body && BUSY.test(String(body.content))) return { ok: false, busy: true, ms: 0, error: "busy" };
    return { ok: false, lost: !body, ms: performance.now() - t0, error: body ? "edit without quatrain" : "no edit" };
  }
  return { ok: false, ms: performance.now() - t0, error: `response type ${answer.type}` };
}

async function slackOne(): Promise<Outcome> {
  const channel = `C${++counter}`;
  const body = commandBody(slack, "/prophecy", "1.2", { channel, user: `U${counter % 500}` });
  // The failure reply goes to the response_url, whose id commandBody numbers: match it by channel instead.
  const responseId = new URLSearchParams(body).get("response_url")!.split("/").pop()!;
  const timestamp = Math.floor(Date.now() / 1000);
  const t0 = performance.now();
  const answered = new Promise<{ prophecyId?: number; failure?: string } | null>((resolve) => {
    const done = (v: { prophecyId?: number; failure?: string } | null) => {
      slackAnswers.delete(channel);
      slackAnswers.delete(responseId);
      clearTimeout(timer);
      resolve(v);
    };
    const timer = setTimeout(() => done(null), graceMs + 10_000);
    slackAnswers.set(channel, done);
    slackAnswers.set(responseId, done);
  });
  const res = await httpRequest(
    agent,
    `${url}/slack/events`,
    "POST",
    body,
    {
      "content-type": "application/x-www-form-urlencoded",
      "x-slack-request-timestamp": String(timestamp),
      "x-slack-signature": slackSignature(body, timestamp, secret),
    },
    graceMs,
  );
  const fail = (o: Outcome) => {
    slackAnswers.get(channel)?.(null);
    return o;
  };
  if (res.status !== 200) return fail({ ok: false, ms: performance.now() - t0, error: `HTTP ${res.status}` });
  if (BUSY.test(res.text)) return fail({ ok: false, busy: true, ms: performance.now() - t0, error: "busy" });
  if (res.text) return fail({ ok: false, ms: performance.now() - t0, error: `ack: ${res.text.slice(0, 80)}` });
  const answer = await answered;
  if (!answer) return { ok: false, lost: true, ms: performance.now() - t0, error: "acknowledged, never answered" };
  if (answer.failure !== undefined)
    return { ok: false, busy: BUSY.test(answer.failure), ms: performance.now() - t0, error: answer.failure };
  return { ok: true, ms: performance.now() - t0, prophecyId: answer.prophecyId };
}

async function webOne(): Promise<Outcome> {
  const t0 = performance.now();
  const res = await httpRequest(
    agent,
    `${url}/api/prophecies`,
    "POST",
    JSON.stringify({ temperature: 1.2 }),
    // A client address per request is not possible on loopback: the bench turns the web rate limit off.
    { "content-type": "application/json" },
    graceMs,
  );
  const ms = performance.now() - t0;
  if (res.status === 201) return { ok: true, ms, prophecyId: (JSON.parse(res.text) as { id: number }).id };
  if (res.status === 503 && BUSY.test(res.text)) return { ok: false, busy: true, ms, error: "busy" };
  return { ok: false, ms, error: `HTTP ${res.status} ${res.text.slice(0, 80)}` };
}

const ONE = { discord: discordOne, slack: slackOne, web: webOne } as const;

const attempt = (surface: LoadSurface) =>
  ONE[surface]().catch((error: unknown): Outcome => ({ ok: false, ms: 0, error: (error as Error).message }));

/** Poisson arrivals at `rate`/s for `seconds`, each sent when due without waiting for earlier answers. */
async function openLoop(surface: LoadSurface, rate: number, seconds: number): Promise<Outcome[]> {
  const pending: Promise<Outcome>[] = [];
  const start = performance.now();
  const end = start + seconds * 1000;
  let due = start;
  for (;;) {
    due += (-Math.log(1 - Math.random()) * 1000) / rate;
    if (due >= end) break;
    const wait = due - performance.now();
    if (wait >= 1) await new Promise((r) => setTimeout(r, wait));
    pending.push(attempt(surface));
  }
  return Promise.all(pending);
}

async function closedLoop(surface: LoadSurface, clients: number, seconds: number): Promise<Outcome[]> {
  const end = performance.now() + seconds * 1000;
  const outcomes: Outcome[] = [];
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < end) outcomes.push(await attempt(surface));
    }),
  );
  return outcomes;
}

function figures(r: RunRequest, outcomes: Outcome[], wallSeconds: number): RunFigures {
  const served = outcomes.filter((o) => o.ok);
  const ms = served.map((o) => o.ms).sort((a, b) => a - b);
  const kinds = new Map<string, number>();
  for (const o of outcomes) if (!o.ok && !o.busy) kinds.set(o.error!, (kinds.get(o.error!) ?? 0) + 1);
  return {
    surface: r.surface,
    mode: r.mode,
    sent: outcomes.length,
    served: served.length,
    busy: outcomes.filter((o) => o.busy).length,
    errors: outcomes.filter((o) => !o.ok && !o.busy).length,
    errorKinds: [...kinds].map(([k, n]) => `${n}× ${k}`),
    lost: outcomes.filter((o) => o.lost).length,
    deferred: served.filter((o) => o.deferred).length,
    wallSeconds,
    p50ms: quantile(ms, 0.5),
    p99ms: quantile(ms, 0.99),
    maxMs: ms.at(-1) ?? NaN,
    prophecyIds: served.flatMap((o) => (o.prophecyId ? [o.prophecyId] : [])),
  };
}

port.on("message", (r: RunRequest) => {
  void (async () => {
    graceMs = r.graceSeconds * 1000;
    const t0 = performance.now();
    const outcomes =
      r.mode === "open"
        ? await openLoop(r.surface, r.rate, r.seconds)
        : r.mode === "closed"
          ? await closedLoop(r.surface, r.clients, r.seconds)
          : await Promise.all(Array.from({ length: r.clients }, () => attempt(r.surface)));
    port.postMessage({
      type: "result",
      figures: figures(r, outcomes, (performance.now() - t0) / 1000),
    } satisfies WorkerMessage);
  })();
});
