// One request's parts, each timed alone on the idle bot with the code the bot runs for it: where a
// request's time goes before any queueing (the load runs add the waiting).
import { verifySlackRequest } from "@slack/bolt";
import { discordPublicKey, verifyInteraction } from "../bot/discord/http/verify.ts";
import { shapeProblem } from "../bot/discord/http/interaction-shape.ts";
import { prophecyMessage } from "../bot/discord/messages.ts";
import { quatrainMessage } from "../bot/slack/blocks.ts";
import { parseProphecyText } from "../bot/slack/prophecy-args.ts";
import type { BotDeps } from "../bot/surface.ts";
import { prophecyJson } from "../bot/web/api.ts";
import { receiveChatCommand } from "../core/db/chat-commands.ts";
import { openDatabase } from "../core/db/client.ts";
import { attachMessage, recordProphecy } from "../core/db/prophecies.ts";
import { claimRequestKey } from "../core/db/seen-requests.ts";
import type { Logger } from "../core/logger.ts";
import type { StoredProphecy } from "../core/oracle/types.ts";
import type { ServingModelSource } from "../core/prophecy/database-model-source.ts";
import { prophesy } from "../core/prophecy/prophesy.ts";
import { FakeDiscord, snowflake } from "../test/bot/discord/fake-discord.ts";
import { appKeys, signed } from "../test/bot/discord/signing.ts";
import { slackSignature } from "../test/bot/slack/signing.ts";
import { quantile } from "./stats.ts";

export interface Stage {
  name: string;
  surfaces: string;
  p50us: number;
  p99us: number;
}

const N = 200;

async function timed(name: string, surfaces: string, fn: (i: number) => unknown): Promise<Stage> {
  const us: number[] = [];
  for (let i = 0; i < N + 20; i++) {
    const t0 = performance.now();
    await fn(i);
    if (i >= 20) us.push((performance.now() - t0) * 1000);
  }
  return { name, surfaces, p50us: quantile(us, 0.5), p99us: quantile(us, 0.99) };
}

export async function measureStages(opts: {
  deps: BotDeps;
  databaseUrl: string;
  signingSecret: string;
  log: Logger;
}): Promise<Stage[]> {
  const { deps } = opts;
  const db = await openDatabase(opts.databaseUrl);
  const keys = appKeys();
  const key = discordPublicKey(keys.publicKeyHex);
  const fake = new FakeDiscord();
  const interaction = fake.commandInteraction("prophecy", [{ name: "temperature", type: 10, value: 1.2 }], {
    userId: snowflake(),
  });
  const req = signed(keys, interaction);
  const body = Buffer.from(req.body);
  const form = new URLSearchParams({
    token: "t",
    team_id: "T0",
    channel_id: "C0",
    user_id: "U0",
    command: "/prophecy",
    text: "1.2",
    response_url: "http://127.0.0.1/respond/r",
    trigger_id: "t.1",
  }).toString();
  const ts = Math.floor(Date.now() / 1000);
  const slackSig = slackSignature(form, ts, opts.signingSecret);
  const models = (deps.oracle as unknown as { models: ServingModelSource }).models;
  const settings = deps.config.sampling;
  const draws = await prophesy({ models, settings }, { temperature: 1.2 });
  const row = { ...draws[0], surface: "discord" as const, requestedBy: "bench", channel: "C0" };
  let stored: StoredProphecy | undefined;
  const run = `${Date.now()}`;
  const stages: Stage[] = [];
  try {
    stages.push(
      await timed("signature check (Ed25519, node:crypto)", "discord", () =>
        verifyInteraction(key, req.headers["x-signature-ed25519"], req.headers["x-signature-timestamp"], body, {
          maxAgeSeconds: 300,
        }),
      ),
      await timed("signature check (HMAC-SHA256, Bolt)", "slack", () =>
        verifySlackRequest({
          signingSecret: opts.signingSecret,
          body: form,
          headers: { "x-slack-signature": slackSig, "x-slack-request-timestamp": ts },
        }),
      ),
      await timed("parsing (JSON + interaction shape)", "discord", () => shapeProblem(JSON.parse(body.toString()))),
      await timed("parsing (form + /prophecy text)", "slack", () =>
        parseProphecyText(new URLSearchParams(form).get("text") ?? ""),
      ),
      await timed("database: replay key (one insert)", "discord, slack", (i) =>
        claimRequestKey(db, `bench:${run}:${i}`, new Date(Date.now() + 60_000)),
      ),
      await timed("database: chat command written before the ack", "slack", () =>
        receiveChatCommand(db, {
          surface: "slack",
          kind: "prophecy",
          userId: "U0",
          channel: "C0",
          request: { temperature: 1.2, about: null, responseUrl: "http://127.0.0.1/respond/r" },
          owner: "bench",
        }),
      ),
      await timed("sampling: one quatrain alone (draws + copy check)", "all", () =>
        prophesy({ models, settings }, { temperature: 1.2 }),
      ),
      await timed("database: the prophecy row", "all", async () => {
        const r = await recordProphecy(db, row);
        stored = { ...r, lines: r.lines as StoredProphecy["lines"], reactions: {} };
      }),
      await timed("database: message id attached", "discord, slack", () =>
        attachMessage(db, stored!.id, `bench-${stored!.id}`),
      ),
      await timed("reply body (Discord embed, JSON)", "discord", () => JSON.stringify(prophecyMessage(stored!))),
      await timed("reply body (Slack blocks, JSON)", "slack", () => JSON.stringify(quatrainMessage(stored!))),
      await timed("reply body (web JSON)", "web", () => JSON.stringify(prophecyJson(stored!))),
      await timed("one log line (the command's, pino)", "all", () =>
        opts.log.info(
          {
            surface: "discord",
            command: "/prophecy",
            user: "1310000000000000000",
            prophecyId: stored!.id,
            latencyMs: 12.3,
            outcome: "ok",
          },
          "discord /prophecy",
        ),
      ),
    );
  } finally {
    await db.close();
  }
  return stages;
}
