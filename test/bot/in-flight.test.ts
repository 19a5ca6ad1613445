// Issue 20: one in-flight limit in the core (BOT_MAX_IN_FLIGHT), shared by every surface of a bot
// process. With its one place taken, a prophecy asked through Discord (HTTP and gateway), Slack
// (/prophecy and "Another one") and the web API is shed at once with that surface's own "busy"
// answer, and writes nothing: no row in any table (no prophecy, chat command, job, reaction…) but,
// for a signed request (Discord over HTTP, Slack), the key that refuses its replay, written before the
// request is read. The real bot service (runBot) with every surface, on both databases. The CLI runs
// one request per process: no limit applies.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { runBot, type BotHandle } from "../../bot/main.ts";
import { discordSurface } from "../../bot/discord/index.ts";
import { slackSurface } from "../../bot/slack/surface.ts";
import { webSurface } from "../../bot/web/index.ts";
import { silentLogger } from "../../core/logger.ts";
import type { Admission, Oracle } from "../../core/oracle/types.ts";
import { testConfig } from "../helpers/config.ts";
import { freshDatabase, testProviders } from "../helpers/db.ts";
import { FakeDiscord, snowflake, type RecordedRequest } from "./discord/fake-discord.ts";
import { appKeys, signed } from "./discord/signing.ts";
import { startFakeSlack, type FakeSlack } from "./slack/fake-slack.ts";
import { sendAction, sendCommand, SIGNING_SECRET } from "./slack/harness.ts";
import { trainTinyModel } from "./web/fixture.ts";

const BUSY = /many questions at once/;

for (const provider of testProviders) {
  describe(`the one in-flight limit, full, sheds on every surface [${provider}]`, () => {
    const keys = appKeys();
    const discord = new FakeDiscord();
    let slack: FakeSlack;
    let fresh: Awaited<ReturnType<typeof freshDatabase>>;
    let bot: BotHandle;
    let oracle: Oracle;
    let held: Admission;

    /** Rows per table; replay keys apart (a signed request's is written before it is read). */
    const written = async () => {
      const p = fresh.db.prisma;
      return {
        rows: {
          prophecies: await p.prophecy.count(),
          commands: await p.chatCommand.count(),
          jobs: await p.trainingJob.count(),
          epochs: await p.jobEpoch.count(),
          reactions: await p.reaction.count(),
          versions: await p.modelVersion.count(),
          promotions: await p.promotion.count(),
          leases: await p.lease.count(),
        },
        replayKeys: await p.seenRequest.count(),
      };
    };
    /** Nothing written since `before`, but `replayKeys` keys (one per signed request). */
    const nothingWritten = async (replayKeys: number) => {
      const now = await written();
      expect(now.rows).toEqual(before.rows);
      expect(now.replayKeys - before.replayKeys).toBe(replayKeys);
      before = now;
    };
    let another: number;
    let before: Awaited<ReturnType<typeof written>>;

    beforeAll(async () => {
      fresh = await freshDatabase(provider);
      await trainTinyModel(fresh.db);
      await discord.start();
      slack = await startFakeSlack();
      const config = testConfig(fresh.db.url, {
        bot: { port: 0, host: "127.0.0.1", backend: "wasm", rateLimitPerMinute: 0, maxInFlight: 1, drainSeconds: 2 },
        web: { rateLimitPerMinute: 1_000 },
        discord: {
          token: discord.token,
          publicKey: keys.publicKeyHex,
          applicationId: discord.applicationId,
          guildId: discord.guildId,
          apiUrl: discord.apiUrl,
          registerCommands: false,
        },
        slack: { botToken: "xoxb-busy", signingSecret: SIGNING_SECRET, apiUrl: slack.apiUrl },
      });
      bot = await runBot(config, {
        log: silentLogger,
        // The last "surface" only keeps the oracle every surface shares, to take its one place.
        surfaces: [
          discordSurface,
          slackSurface,
          webSurface,
          (deps) => {
            oracle = deps.oracle;
            return null;
          },
        ],
      });
      // A model loaded, so nothing but the limit can refuse; then its one place is taken.
      await vi.waitUntil(async () => (await fetch(`${bot.url}/readyz`)).status === 200, { timeout: 30_000 });
      // A posted prophecy for Discord's "Another one" button to ask again from.
      another = (await oracle.prophesy({}, { surface: "discord", requestedBy: "U0" }))[0].id;
      held = oracle.admit()!;
      expect(oracle.admit()).toBeNull();
      before = await written();
    }, 180_000);
    afterAll(async () => {
      held?.release();
      await bot?.stop();
      await discord.close();
      await slack?.close();
      await fresh?.drop();
    });

    it("Discord over HTTP: a private busy reply at once (type 4, ephemeral), nothing written", async () => {
      const interaction = discord.commandInteraction("prophecy", [], { userId: snowflake() });
      const request = signed(keys, interaction);
      const res = await fetch(`${bot.url}/discord/interactions`, {
        method: "POST",
        body: request.body,
        headers: request.headers,
      });
      const answer = (await res.json()) as { type: number; data: { flags: number; content: string } };
      expect(answer.type).toBe(4);
      expect(answer.data.flags & 64).toBe(64);
      expect(answer.data.content).toMatch(BUSY);
      await nothingWritten(1);
    });

    it("Discord over HTTP, the Another one button: the same private busy reply, nothing written", async () => {
      const message = discord.setOriginal(`itoken-${snowflake()}`, { content: "a quatrain" });
      const click = discord.buttonInteraction(`another-one:#${another}`, message, { userId: snowflake() });
      const request = signed(keys, click);
      const res = await fetch(`${bot.url}/discord/interactions`, {
        method: "POST",
        body: request.body,
        headers: request.headers,
      });
      const answer = (await res.json()) as { type: number; data: { flags: number; content: string } };
      expect(answer.type).toBe(4);
      expect(answer.data.flags & 64).toBe(64);
      expect(answer.data.content).toMatch(BUSY);
      await nothingWritten(1);
    });

    it("Discord over the gateway: the same private busy reply, nothing written", async () => {
      const interaction = discord.commandInteraction("prophecy", [], { userId: snowflake() });
      discord.dispatch("INTERACTION_CREATE", interaction);
      const callback = await discord.waitForRequest(
        (r: RecordedRequest) => r.method === "POST" && r.path.startsWith(`/interactions/${interaction.id}/`),
      );
      const body = callback.body as { type: number; data: { flags: number; content: string } };
      expect(body.type).toBe(4);
      expect(body.data.flags & 64).toBe(64);
      expect(body.data.content).toMatch(BUSY);
      await nothingWritten(0);
    });

    it("Slack /prophecy: busy in the acknowledgement itself, privately; nothing written, nothing posted", async () => {
      const res = await sendCommand({ url: bot.url, fake: slack, oracle, stop: async () => {} }, "/prophecy", "1.0", {
        channel: "CBUSY",
      });
      expect(res.status).toBe(200);
      const ack = (await res.json()) as { response_type: string; text: string };
      expect(ack.response_type).toBe("ephemeral");
      expect(ack.text).toMatch(BUSY);
      expect(slack.callsOf("chat.postMessage")).toHaveLength(0);
      await nothingWritten(1);
    });

    it("Slack's Another one button: busy, privately through its response_url; nothing written", async () => {
      const res = await sendAction(
        { url: bot.url, fake: slack, oracle, stop: async () => {} },
        {
          type: "block_actions",
          user: { id: "U0BUSY" },
          channel: { id: "CBUSY2" },
          team: { id: "T0TEST" },
          api_app_id: "A0TEST",
          token: "legacy",
          trigger_id: "t.1",
          response_url: slack.responseUrl("busy-button"),
          container: { type: "message", channel_id: "CBUSY2", message_ts: "1.000001" },
          actions: [
            {
              type: "button",
              action_id: "prophecy_another",
              block_id: "b",
              value: JSON.stringify({ t: 1, a: null }),
              action_ts: "1.000002",
            },
          ],
        },
      );
      expect(res.status).toBe(200);
      const reply = await slack.waitFor("respond", (c) => c.args.id === "busy-button");
      expect(reply.args.response_type).toBe("ephemeral");
      expect(String(reply.args.text)).toMatch(BUSY);
      await nothingWritten(1);
    });

    it("the web API: 503 with Retry-After and the busy message; nothing written", async () => {
      const res = await fetch(`${bot.url}/api/prophecies`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{}",
      });
      expect(res.status).toBe(503);
      expect(res.headers.get("retry-after")).toBe("1");
      expect(((await res.json()) as { error: string }).error).toMatch(BUSY);
      await nothingWritten(0);
    });

    it("the web page's form (POST /ask, no script): 503 with Retry-After and the busy message; nothing written", async () => {
      const res = await fetch(`${bot.url}/ask`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "temperature=1.0",
        redirect: "manual",
      });
      expect(res.status).toBe(503);
      expect(res.headers.get("retry-after")).toBe("1");
      expect(await res.text()).toMatch(BUSY);
      await nothingWritten(0);
    });

    it("once the place is free, every surface answers again (the web, for one)", async () => {
      held.release();
      const res = await fetch(`${bot.url}/api/prophecies`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{}",
      });
      expect(res.status).toBe(201);
      held = oracle.admit()!;
    });
  });
}
