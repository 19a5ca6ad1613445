// The Slack side of the Slack bench, on its own thread (as Slack is on its own machines): the fake
// Web API that receives chat.postMessage, and the load generator sending signed /prophecy commands.
// Sending and receiving share this thread's clock, so request → post times are exact and are not
// delayed by the bot's event loop.
import { parentPort, workerData } from "node:worker_threads";
import { startFakeSlack } from "../test/bot/slack/fake-slack.ts";
import { commandBody, slackSignature } from "../test/bot/slack/signing.ts";
import { quantile } from "./stats.ts";

export interface LoadSettings {
  url: string;
  secret: string;
  rate: number;
  clients: number;
  seconds: number;
  grace: number;
}

export interface RunFigures {
  name: string;
  sent: number;
  wallSeconds: number;
  posted: number;
  toPostP50: number;
  toPostP99: number;
  toPostMax: number;
  ackP50: number;
  ackP99: number;
  ackMax: number;
  acksUnder3s: boolean;
  errors: number;
  errorExample: string | null;
  failureReplies: number;
  busy: number;
  lost: number;
}

interface Sample {
  channel: string;
  sentAt: number;
  ackMs?: number;
  status?: number;
  error?: string;
  /** Answered "busy" in the ack (past BOT_MAX_IN_FLIGHT). */
  busy?: boolean;
}

const port = parentPort!;
const fake = await startFakeSlack();
port.postMessage({ type: "ready", apiUrl: fake.apiUrl });
const settings = await new Promise<LoadSettings>((resolve) => port.once("message", resolve));

let counter = 0;
async function send(run: string): Promise<Sample> {
  const channel = `C${run}${++counter}`;
  const body = commandBody(fake, "/prophecy", "temperature:1.2", { channel, user: `U${counter % 500}` });
  const timestamp = Math.floor(Date.now() / 1000);
  const sample: Sample = { channel, sentAt: performance.now() };
  try {
    const response = await fetch(`${settings.url}/slack/events`, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        "x-slack-request-timestamp": String(timestamp),
        "x-slack-signature": slackSignature(body, timestamp, settings.secret),
      },
      body,
    });
    const text = await response.text();
    sample.busy = text.includes("many questions at once");
    sample.ackMs = performance.now() - sample.sentAt;
    sample.status = response.status;
  } catch (error) {
    sample.error = String((error as Error & { cause?: Error }).cause?.message ?? (error as Error).message);
  }
  return sample;
}

async function openLoop(rate: number, seconds: number): Promise<Sample[]> {
  const pending: Promise<Sample>[] = [];
  const start = performance.now();
  const total = Math.round(rate * seconds);
  while (pending.length < total) {
    const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate) + 1);
    while (pending.length < due) pending.push(send("O"));
    await new Promise((r) => setTimeout(r, 2));
  }
  return Promise.all(pending);
}

async function closedLoop(clients: number, seconds: number): Promise<Sample[]> {
  const end = performance.now() + seconds * 1000;
  const samples: Sample[] = [];
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < end) {
        const sample = await send("K");
        samples.push(sample);
        // Back to back: a client's next command once its quatrain is posted.
        if (sample.status === 200 && !sample.busy)
          await fake.waitFor("chat.postMessage", (c) => c.args.channel === sample.channel, 120_000).catch(() => {});
      }
    }),
  );
  return samples;
}

async function figures(name: string, samples: Sample[], wallSeconds: number): Promise<RunFigures> {
  const deadline = performance.now() + settings.grace * 1000;
  const postedAt = () => new Map(fake.callsOf("chat.postMessage").map((c) => [String(c.args.channel), c.at]));
  let posts = postedAt();
  while (samples.some((s) => s.status === 200 && !s.busy && !posts.has(s.channel)) && performance.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    posts = postedAt();
  }
  const failureReplies = fake.callsOf("respond").length;
  const errors = samples.filter((s) => s.error || s.status !== 200);
  const acked = samples.filter((s) => s.status === 200);
  const busy = acked.filter((s) => s.busy).length;
  const toPost = acked.filter((s) => posts.has(s.channel)).map((s) => posts.get(s.channel)! - s.sentAt);
  const acks = acked.map((s) => s.ackMs!);
  const notPosted = acked.length - busy - toPost.length;
  fake.calls.length = 0;
  return {
    name,
    sent: samples.length,
    wallSeconds,
    posted: toPost.length,
    toPostP50: quantile(toPost, 0.5),
    toPostP99: quantile(toPost, 0.99),
    toPostMax: toPost.length ? Math.max(...toPost) : NaN,
    ackP50: quantile(acks, 0.5),
    ackP99: quantile(acks, 0.99),
    ackMax: acks.length ? Math.max(...acks) : NaN,
    acksUnder3s: acks.every((a) => a < 3000),
    errors: errors.length,
    errorExample: errors[0] ? (errors[0].error ?? `HTTP ${errors[0].status}`) : null,
    failureReplies,
    busy,
    lost: Math.max(0, notPosted - failureReplies),
  };
}

// Warm-up: the first prophecy loads the model and Bolt's auth.test.
await Promise.all(Array.from({ length: 20 }, () => send("W")));
await new Promise((r) => setTimeout(r, 2000));
fake.calls.length = 0;

const results: RunFigures[] = [];
let t0 = performance.now();
const open = await openLoop(settings.rate, settings.seconds);
results.push(
  await figures(`Open loop at ${settings.rate}/s for ${settings.seconds} s`, open, (performance.now() - t0) / 1000),
);
t0 = performance.now();
const closed = await closedLoop(settings.clients, settings.seconds);
results.push(
  await figures(
    `${settings.clients} clients back to back for ${settings.seconds} s`,
    closed,
    (performance.now() - t0) / 1000,
  ),
);
await fake.close();
port.postMessage({ type: "done", results });
void workerData;
