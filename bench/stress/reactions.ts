// Reaction events against exact expected counts: add/remove histories per (message, user, emoji),
// a tenth duplicated (retries) and some delivered out of order; Slack's over HTTP to both bots (event
// times to the microsecond), Discord's through the serving core as the gateway handler calls it.
import { loadConfig } from "../../config/schema.ts";
import { silentLogger } from "../../core/logger.ts";
import { createOracle } from "../../core/oracle/oracle.ts";
import { eventBody, slackSignature } from "../../test/bot/slack/signing.ts";
import { round } from "../stats.ts";
import type { Stress } from "./setup.ts";

export async function reactionsScenario(s: Stress): Promise<void> {
  s.say();
  s.say("== reactions ==");

  // Slack prophecies posted during the load are the messages reacted to (channel/ts known to the fake).
  const posts = s.slack
    .callsOf("chat.postMessage")
    .filter((c) => /prophecy #\d+/.test(JSON.stringify(c.args)))
    .slice(0, 200);
  const slackTargets = await Promise.all(
    posts.map(async (c) => {
      const id = Number(JSON.stringify(c.args).match(/prophecy #(\d+)/)![1]);
      const row = await s.db.prisma.prophecy.findUnique({ where: { id }, select: { messageRef: true } });
      return { id, ref: row?.messageRef ?? null };
    }),
  );
  const slackReady = slackTargets.filter((t) => t.ref);
  const discordRows = await s.db.prisma.prophecy.findMany({
    where: { surface: "discord", messageRef: { not: null } },
    select: { id: true, messageRef: true, channel: true },
    take: 200,
  });
  const emojis = ["fire", "skull", "crystal_ball", "+1"];
  interface Ev {
    platform: "slack" | "discord";
    id: number;
    ref: string;
    channel: string | null;
    user: string;
    emoji: string;
    added: boolean;
    at: number;
  }
  const events: Ev[] = [];
  const expected = new Map<string, boolean>();
  let clock = Date.now() - 3_600_000;
  const base = Math.round(s.args.reactions / 1.1);
  for (let i = 0; events.length < base; i++) {
    const onSlack = i % 2 === 0 && slackReady.length > 0;
    const t = onSlack ? slackReady[i % slackReady.length] : discordRows[i % Math.max(1, discordRows.length)];
    if (!t) break;
    const user = `U${i % 37}`;
    const emoji = emojis[i % emojis.length];
    // A short add/remove history per key, later events later in time.
    const n = 1 + (i % 3);
    for (let k = 0; k < n && events.length < base; k++) {
      clock += 7;
      const ref = onSlack ? (t as { ref: string }).ref : (t as { messageRef: string }).messageRef;
      const ev: Ev = {
        platform: onSlack ? "slack" : "discord",
        id: t.id,
        ref,
        channel: (t as { channel?: string | null }).channel ?? ref.split("/")[0],
        user,
        emoji,
        added: k % 2 === 0,
        at: clock,
      };
      events.push(ev);
      expected.set(`${ev.platform}|${ev.id}|${user}|${emoji}`, ev.added);
    }
  }
  // 10 % duplicated (retries); some delivered out of order (adjacent swaps).
  const stream = [...events];
  for (let i = 0; i < events.length / 10; i++)
    stream.splice(Math.floor(Math.random() * stream.length), 0, events[Math.floor(Math.random() * events.length)]);
  let swapped = 0;
  for (let i = 0; i + 1 < stream.length; i += 13) {
    [stream[i], stream[i + 1]] = [stream[i + 1], stream[i]];
    swapped++;
  }
  const coreOracle = createOracle({
    db: s.db,
    config: loadConfig({}, { database: { url: s.databaseUrl }, log: { level: "silent" } }),
    log: silentLogger,
  });
  let failures = 0;
  const tr = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async (_, w) => {
      while (next < stream.length) {
        const ev = stream[next++];
        try {
          if (ev.platform === "slack") {
            const [channel, ts] = ev.ref.split("/");
            const body = eventBody({
              type: ev.added ? "reaction_added" : "reaction_removed",
              user: ev.user,
              reaction: ev.emoji,
              item: { type: "message", channel, ts },
              item_user: "UBOT",
              event_ts: (ev.at / 1000).toFixed(6),
            });
            const now = Math.floor(Date.now() / 1000);
            const r = await s.http(`${s.bots[w % s.bots.length].url}/slack/events`, "POST", body, {
              "content-type": "application/json",
              "x-slack-request-timestamp": String(now),
              "x-slack-signature": slackSignature(body, now),
            });
            if (r.status !== 200) failures++;
          } else {
            await coreOracle.recordReaction({
              platform: "discord",
              messageRef: ev.ref,
              channel: ev.channel,
              userId: ev.user,
              emoji: ev.emoji,
              added: ev.added,
              at: new Date(ev.at),
            });
          }
        } catch {
          failures++;
        }
      }
    }),
  );
  const seconds = (performance.now() - tr) / 1000;
  const wantPerProphecy = new Map<number, number>();
  for (const [key, present] of expected) {
    const id = Number(key.split("|")[1]);
    wantPerProphecy.set(id, (wantPerProphecy.get(id) ?? 0) + (present ? 1 : 0));
  }
  // Slack events are acknowledged before they are applied: wait for the counts to settle.
  let wrong = -1;
  for (let i = 0; i < 40 && wrong !== 0; i++) {
    await s.sleep(250);
    const rows = await s.db.prisma.prophecy.findMany({
      where: { id: { in: [...wantPerProphecy.keys()] } },
      select: { id: true, reactionCount: true },
    });
    wrong = rows.filter((r) => r.reactionCount !== wantPerProphecy.get(r.id)).length;
  }
  const presentRows = await s.db.prisma.reaction.count({ where: { present: true } });
  const wantPresent = [...expected.values()].filter(Boolean).length;
  s.say(
    `${stream.length} events sent (${events.length} distinct, ${stream.length - events.length} duplicates, ${swapped} adjacent pairs swapped; slack over HTTP to both bots: ${stream.filter((e) => e.platform === "slack").length}, discord through the serving core: ${stream.filter((e) => e.platform === "discord").length}) in ${round(seconds, 1)} s, ${failures} failed`,
  );
  s.say(
    `counts: ${wantPerProphecy.size} prophecies, ${wrong} with a reactionCount other than expected; present reactions ${presentRows} (expected ${wantPresent})`,
  );
  await coreOracle.close();
}
