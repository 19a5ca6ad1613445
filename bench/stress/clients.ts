// One request of each kind as a platform sends it (signed Slack /prophecy, signed Discord
// interaction, POST /api/prophecies), the open and closed loops that send them, and the report.
import { snowflake } from "../../test/bot/discord/fake-discord.ts";
import { signed } from "../../test/bot/discord/signing.ts";
import { commandBody, slackSignature } from "../../test/bot/slack/signing.ts";
import { quantile, round } from "../stats.ts";
import type { Proc, Stress } from "./setup.ts";

type Kind = "slack" | "discord" | "web";

interface Outcome {
  kind: Kind;
  ok: boolean;
  ms: number;
  /** When it was sent (performance.now()), for the timeline of slow seconds. */
  at?: number;
  id?: number;
  error?: string;
  status?: number;
}

export interface Clients {
  slackProphecy(bot: Proc, text?: string): Promise<Outcome>;
  discordProphecy(
    bot: Proc,
    options?: { name: string; type: number; value: unknown }[],
  ): Promise<Outcome & { raw?: unknown }>;
  webProphecy(bot: Proc, body?: string): Promise<Outcome>;
  /** The three kinds in turn. */
  kinds: ((b: Proc) => Promise<Outcome>)[];
  report(label: string, outcomes: Outcome[], seconds: number): void;
  openLoop(rate: number, seconds: number): Promise<Outcome[]>;
  closedLoop(clients: number, seconds: number): Promise<Outcome[]>;
  missingFromDb(ids: Iterable<number>): Promise<number[]>;
}

/** Per second of sending: those with a p99 over 100 ms or an error, as "12 (p99 850 ms, 3 errors)". */
function slowSeconds(outcomes: Outcome[]): string {
  const sent = outcomes.filter((o) => o.at !== undefined);
  if (sent.length === 0) return "";
  const t0 = Math.min(...sent.map((o) => o.at!));
  const bySecond = new Map<number, Outcome[]>();
  for (const o of sent) {
    const second = Math.floor((o.at! - t0) / 1000);
    bySecond.set(second, [...(bySecond.get(second) ?? []), o]);
  }
  return [...bySecond]
    .sort(([a], [b]) => a - b)
    .map(([second, os]) => ({
      second,
      p99: quantile(
        os.filter((o) => o.ok).map((o) => o.ms),
        0.99,
      ),
      errors: os.filter((o) => !o.ok).length,
    }))
    .filter((x) => x.p99 > 100 || x.errors > 0)
    .map((x) => `${x.second} (p99 ${round(x.p99, 0)} ms${x.errors ? `, ${x.errors} errors` : ""})`)
    .join(", ");
}

export function clients(s: Stress): Clients {
  const { slack, discord, keys, http } = s;
  let requestCounter = 0;

  // Discord follow-ups of deferred answers, by interaction token.
  const edits = new Map<string, (body: unknown) => void>();
  discord.onRequest = (r) => {
    const m = r.method === "PATCH" && r.path.match(/^\/webhooks\/\d+\/([^/]+)\/messages\/@original$/);
    if (m) edits.get(m[1])?.(r.body);
  };
  const quatrainOfDiscord = (data: unknown): number | undefined => {
    const footer = (data as { embeds?: { footer?: { text?: string } }[] } | undefined)?.embeds?.[0]?.footer?.text;
    const id = String(footer ?? "").match(/#(\d+)$/)?.[1];
    return id ? Number(id) : undefined;
  };
  const isPrivate = (data: unknown) => (((data as { flags?: number } | undefined)?.flags ?? 0) & 64) !== 0;

  async function slackProphecy(bot: Proc, text = "temperature:1.2"): Promise<Outcome> {
    const channel = `CS${++requestCounter}`;
    const body = commandBody(slack, "/prophecy", text, { channel, user: `U${requestCounter % 500}` });
    const ts = Math.floor(Date.now() / 1000);
    const posted = slack.waitFor("chat.postMessage", (c) => c.args.channel === channel, 20_000);
    posted.catch(() => {});
    const t = performance.now();
    try {
      const res = await http(`${bot.url}/slack/events`, "POST", body, {
        "content-type": "application/x-www-form-urlencoded",
        "x-slack-request-timestamp": String(ts),
        "x-slack-signature": slackSignature(body, ts),
      });
      if (res.status !== 200)
        return { kind: "slack", ok: false, ms: performance.now() - t, error: `HTTP ${res.status}`, status: res.status };
      if (res.text.includes("many questions at once"))
        return { kind: "slack", ok: false, ms: performance.now() - t, error: "busy", status: 200 };
      const call = await posted;
      const id = JSON.stringify(call.args).match(/prophecy #(\d+)/)?.[1];
      return id
        ? { kind: "slack", ok: true, ms: call.at - t, id: Number(id), status: 200 }
        : { kind: "slack", ok: false, ms: performance.now() - t, error: "post without prophecy", status: 200 };
    } catch (err) {
      return { kind: "slack", ok: false, ms: performance.now() - t, error: (err as Error).message };
    }
  }

  async function discordProphecy(
    bot: Proc,
    options: { name: string; type: number; value: unknown }[] = [{ name: "temperature", type: 10, value: 1.2 }],
  ): Promise<Outcome & { raw?: unknown }> {
    const interaction = discord.commandInteraction("prophecy", options, { userId: snowflake() });
    const req = signed(keys, interaction);
    const t = performance.now();
    try {
      const res = await http(`${bot.url}/discord/interactions`, "POST", req.body, req.headers);
      if (res.status !== 200)
        return {
          kind: "discord",
          ok: false,
          ms: performance.now() - t,
          error: `HTTP ${res.status}`,
          status: res.status,
        };
      const answer = JSON.parse(res.text) as { type: number; data?: unknown };
      if (answer.type === 4) {
        discord.setOriginal(interaction.token, answer.data as Record<string, unknown>);
        const id = isPrivate(answer.data) ? undefined : quatrainOfDiscord(answer.data);
        return id
          ? { kind: "discord", ok: true, ms: performance.now() - t, id, status: 200 }
          : {
              kind: "discord",
              ok: false,
              ms: performance.now() - t,
              error: "no quatrain",
              raw: answer.data,
              status: 200,
            };
      }
      if (answer.type === 5) {
        discord.setOriginal(interaction.token, {});
        const body = await new Promise<unknown>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error("no follow-up in 15 s")), 15_000);
          edits.set(interaction.token, (b) => {
            clearTimeout(timer);
            resolve(b);
          });
        }).finally(() => edits.delete(interaction.token));
        const id = isPrivate(body) ? undefined : quatrainOfDiscord(body);
        return id
          ? { kind: "discord", ok: true, ms: performance.now() - t, id, status: 200 }
          : {
              kind: "discord",
              ok: false,
              ms: performance.now() - t,
              error: "follow-up without quatrain",
              raw: body,
              status: 200,
            };
      }
      return { kind: "discord", ok: false, ms: performance.now() - t, error: `type ${answer.type}`, status: 200 };
    } catch (err) {
      return { kind: "discord", ok: false, ms: performance.now() - t, error: (err as Error).message };
    }
  }

  async function webProphecy(bot: Proc, body = JSON.stringify({ temperature: 1.2 })): Promise<Outcome> {
    const t = performance.now();
    try {
      const res = await http(`${bot.url}/api/prophecies`, "POST", body, { "content-type": "application/json" });
      if (res.status !== 201)
        return { kind: "web", ok: false, ms: performance.now() - t, error: `HTTP ${res.status}`, status: res.status };
      return {
        kind: "web",
        ok: true,
        ms: performance.now() - t,
        id: (JSON.parse(res.text) as { id: number }).id,
        status: 201,
      };
    } catch (err) {
      return { kind: "web", ok: false, ms: performance.now() - t, error: (err as Error).message };
    }
  }

  const kinds: ((b: Proc) => Promise<Outcome>)[] = [
    (b) => slackProphecy(b),
    (b) => discordProphecy(b),
    (b) => webProphecy(b),
  ];

  function report(label: string, outcomes: Outcome[], seconds: number) {
    const ok = outcomes.filter((o) => o.ok);
    for (const o of ok) s.answered.add(o.id!);
    const ms = ok.map((o) => o.ms);
    const errors = outcomes.filter((o) => !o.ok);
    const byError = new Map<string, number>();
    for (const e of errors) byError.set(`${e.kind}: ${e.error}`, (byError.get(`${e.kind}: ${e.error}`) ?? 0) + 1);
    s.say(
      `${label}: ${outcomes.length} sent, ${ok.length} served (${round(ok.length / seconds, 1)}/s), p50 ${round(quantile(ms, 0.5), 1)} ms, p99 ${round(quantile(ms, 0.99), 1)} ms, max ${round(Math.max(0, ...ms), 1)} ms, errors ${errors.length}`,
    );
    for (const k of ["slack", "discord", "web"] as Kind[]) {
      const mine = ok.filter((o) => o.kind === k).map((o) => o.ms);
      s.say(
        `    ${k.padEnd(7)} ${mine.length} served, p50 ${round(quantile(mine, 0.5), 1)} ms, p99 ${round(quantile(mine, 0.99), 1)} ms`,
      );
    }
    for (const [e, n] of [...byError].slice(0, 8)) s.say(`    error ×${n}: ${e}`);
    const slow = slowSeconds(outcomes);
    if (slow) s.say(`    seconds with a p99 over 100 ms or errors (from the first request): ${slow}`);
  }

  async function openLoop(rate: number, seconds: number): Promise<Outcome[]> {
    const pending: Promise<Outcome>[] = [];
    const start = performance.now();
    const total = Math.round(rate * seconds);
    for (let i = 0; i < total; i++) {
      const due = start + (i * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 0) await s.sleep(wait);
      const at = performance.now();
      pending.push(kinds[i % 3](s.bots[Math.floor(i / 3) % s.bots.length]).then((o) => ({ ...o, at })));
    }
    return Promise.all(pending);
  }

  async function closedLoop(count: number, seconds: number): Promise<Outcome[]> {
    const end = performance.now() + seconds * 1000;
    const all: Outcome[] = [];
    await Promise.all(
      Array.from({ length: count }, async (_, c) => {
        for (let i = c; performance.now() < end; i++) all.push(await kinds[i % 3](s.bots[c % s.bots.length]));
      }),
    );
    return all;
  }

  async function missingFromDb(ids: Iterable<number>): Promise<number[]> {
    const list = [...ids];
    const found = new Set<number>();
    for (let i = 0; i < list.length; i += 5000) {
      const rows = await s.db.prisma.prophecy.findMany({
        where: { id: { in: list.slice(i, i + 5000) } },
        select: { id: true },
      });
      for (const r of rows) found.add(r.id);
    }
    return list.filter((id) => !found.has(id));
  }

  return { slackProphecy, discordProphecy, webProphecy, kinds, report, openLoop, closedLoop, missingFromDb };
}
