// The Slack surface end to end over HTTP: signed requests to POST /slack/events on the bot's server,
// the real Bolt app and serving core, a local fake Slack Web API; on both databases.
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { claimNextJob, finishJob, listJobs } from "../../../core/db/jobs.ts";
import { silentLogger } from "../../../core/logger.ts";
import { initBackend } from "../../../core/tf/backend.ts";
import { trainVersion } from "../../../core/training/train-version.ts";
import { testConfig } from "../../helpers/config.ts";
import { describeEachDatabase } from "../../helpers/db.ts";
import { waitFor } from "../../helpers/wait.ts";
import {
  commandBody,
  contextText,
  quatrainLines,
  sendAction,
  sendCommand,
  sendEvent,
  sendSigned,
  startSlackBot,
  type SlackBot,
} from "./harness.ts";

const ADMIN_BY_CONFIG = "U0CONFADMIN";
const WORKSPACE_ADMIN = "U0WSADMIN";

describeEachDatabase("Slack over HTTP", (getDb) => {
  let bot: SlackBot;
  let word: string;

  beforeAll(async () => {
    await initBackend({ preference: "wasm" });
    const config = testConfig(getDb().url, { trainer: { evalSamples: 0 } });
    await trainVersion({ db: getDb(), config, log: silentLogger }, { maxDocuments: 30 });
    bot = await startSlackBot(getDb(), {
      adminUserIds: [ADMIN_BY_CONFIG],
      admins: [WORKSPACE_ADMIN],
      channelErrors: { C0NOTIN: "not_in_channel", C0BROKEN: "internal_error" },
    });
    word = (await bot.oracle.suggestWords("th", 20)).find((w) => /^[a-z]+$/.test(w))!;
  });
  afterAll(async () => {
    await bot?.stop();
  });
  beforeEach(() => {
    bot.fake.calls.length = 0;
  });

  const prophecyCount = async () => getDb().prisma.prophecy.count();
  const postedAfter = (n: number) =>
    bot.fake.waitFor("chat.postMessage", (c) => bot.fake.callsOf("chat.postMessage").indexOf(c) >= n);

  it("/prophecy temperature:1.2 acks at once and posts a four-line quatrain with chat.postMessage", async () => {
    const response = await sendCommand(bot, "/prophecy", "temperature:1.2");
    expect(response.status).toBe(200);
    const post = await bot.fake.waitFor("chat.postMessage");
    expect(post.args.channel).toBe("C0GENERAL");
    const lines = quatrainLines(post);
    expect(lines).toHaveLength(4);
    expect(lines.every((l) => l.trim().length > 0)).toBe(true);
    expect(contextText(post)).toMatch(/model v1 · temperature 1\.2/);
    const blocks = post.args.blocks as { type: string; elements?: { action_id?: string; text?: { text: string } }[] }[];
    const button = blocks.find((b) => b.type === "actions")!.elements![0];
    expect(button).toMatchObject({ action_id: "prophecy_another", text: { text: "Another one" } });
    // Stored with the message it was posted as, so its reactions can be followed.
    const id = Number(/prophecy #(\d+)/.exec(contextText(post))![1]);
    // attachMessage follows the post: wait for it.
    await waitFor("the message attached", async () => (await bot.oracle.getProphecy(id))?.messageRef != null);
    const stored = await bot.oracle.getProphecy(id);
    expect(stored).toMatchObject({ surface: "slack", requestedBy: "U0ALICE", channel: "C0GENERAL", temperature: 1.2 });
    expect(stored!.messageRef).toMatch(/^C0GENERAL\/\d+\.\d{6}$/);
    expect(stored!.lines.join("\n")).toBe(
      lines.join("\n").replace(/&amp;/g, "&").replace(/&lt;/g, "<").replace(/&gt;/g, ">"),
    );
  });

  it.each([
    ["temperature:1.2", 1.2, false],
    ["temperature=1.2", 1.2, false],
    ["t=1.2", 1.2, false],
    ["1.2", 1.2, false],
    ["about:WORD", 1, true],
    ["WORD 0.7", 0.7, true],
    ["t=0.5 about:WORD", 0.5, true],
  ])("/prophecy %s is understood", async (form, temperature, withAbout) => {
    const before = bot.fake.callsOf("chat.postMessage").length;
    const response = await sendCommand(bot, "/prophecy", form.replace("WORD", word));
    expect(response.status).toBe(200);
    const post = await postedAfter(before);
    expect(contextText(post)).toContain(`temperature ${temperature.toFixed(1).replace(/\.0$/, ".0")}`);
    if (withAbout) {
      expect(contextText(post)).toContain(`about “${word}”`);
      expect(quatrainLines(post)[0].toLowerCase()).toContain(word);
    }
  });

  it.each(["temperature:hot", "t=1e1", "0x1", "1.2 0.8", "seed:3", "about:"])(
    "/prophecy %s gets the usage, privately, and nothing is written",
    async (bad) => {
      const before = await prophecyCount();
      const response = await sendCommand(bot, "/prophecy", bad);
      expect(response.status).toBe(200);
      const body = (await response.json()) as { response_type: string; text: string };
      expect(body.response_type).toBe("ephemeral");
      expect(body.text).toMatch(/Usage:/);
      expect(await prophecyCount()).toBe(before);
      expect(bot.fake.callsOf("chat.postMessage")).toHaveLength(0);
    },
  );

  it("/prophecy help answers the usage", async () => {
    const body = (await (await sendCommand(bot, "/prophecy", "help")).json()) as { text: string };
    expect(body.text).toMatch(/Usage:.*\/prophecy/s);
  });

  it("refuses an out-of-range temperature and unknown words privately in the ack, escaping what it quotes, writing nothing", async () => {
    const before = await prophecyCount();
    const commands = await getDb().prisma.chatCommand.count();
    const hot = (await (await sendCommand(bot, "/prophecy", "t=9")).json()) as { response_type: string; text: string };
    expect(hot.response_type).toBe("ephemeral");
    expect(hot.text).toMatch(/temperature/i);
    expect(hot.text).toMatch(/Usage:/);
    const unknown = (await (await sendCommand(bot, "/prophecy", "about:zzq<b>&\u001b[31m")).json()) as {
      text: string;
    };
    // The core names the unknown words; nothing raw (no "<", no ESC) reaches Slack.
    expect(unknown.text).toContain('"zzq"');
    expect(unknown.text).toMatch(/Usage:/);
    expect(unknown.text).not.toMatch(/[<\u001b]/);
    expect(await prophecyCount()).toBe(before);
    // Refused before the acknowledgement: not even the command was written.
    expect(await getDb().prisma.chatCommand.count()).toBe(commands);
  });

  it("rejects a forged signature and a stale timestamp with 401, changing nothing", async () => {
    const before = await prophecyCount();
    const body = commandBody(bot.fake, "/prophecy", "temperature:1.2");
    const forged = await sendSigned(bot, body, "application/x-www-form-urlencoded", { secret: "not-the-secret" });
    expect(forged.status).toBe(401);
    const stale = await sendSigned(bot, body, "application/x-www-form-urlencoded", {
      timestamp: Math.floor(Date.now() / 1000) - 6 * 60,
    });
    expect(stale.status).toBe(401);
    const tampered = await fetch(`${bot.url}/slack/events`, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        "x-slack-request-timestamp": String(Math.floor(Date.now() / 1000)),
        "x-slack-signature": "v0=" + "0".repeat(64),
      },
      body,
    });
    expect(tampered.status).toBe(401);
    const unsigned = await fetch(`${bot.url}/slack/events`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body,
    });
    expect(unsigned.status).toBe(401);
    // A signed command after them, answered: had a refused one been run, it would have posted first.
    await sendCommand(bot, "/prophecy", "temperature:1.2", { channel: "C0MARKER" });
    await bot.fake.waitFor("chat.postMessage", (c) => c.args.channel === "C0MARKER");
    expect(await prophecyCount()).toBe(before + 1);
    expect(bot.fake.calls.map((c) => c.method)).toEqual(["chat.postMessage"]);
  });

  it("answers Slack's URL verification challenge", async () => {
    const body = JSON.stringify({
      token: "t",
      challenge: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
      type: "url_verification",
    });
    const response = await sendSigned(bot, body, "application/json");
    expect(await response.json()).toEqual({ challenge: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" });
  });

  it("logs reaction_added and reaction_removed exactly once, also when retried and out of order", async () => {
    await sendCommand(bot, "/prophecy", "1.0");
    const post = await bot.fake.waitFor("chat.postMessage");
    const channel = String(post.args.channel);
    const id = Number(/prophecy #(\d+)/.exec(contextText(post))![1]);
    await waitFor("the message attached", async () => (await bot.oracle.getProphecy(id))?.messageRef != null);
    const item = { type: "message", channel, ts: (await bot.oracle.getProphecy(id))!.messageRef!.split("/")[1] };
    const reaction = (type: string, user: string, emoji: string, eventTs: string) => ({
      type,
      user,
      reaction: emoji,
      item_user: "UBOT",
      item,
      event_ts: eventTs,
    });
    const t0 = Math.floor(Date.now() / 1000);

    const added = reaction("reaction_added", "U0BOB", "fire", `${t0}.000100`);
    expect((await sendEvent(bot, added)).status).toBe(200);
    expect((await sendEvent(bot, added, { retryNum: 1 })).status).toBe(200);
    expect((await sendEvent(bot, added, { retryNum: 2 })).status).toBe(200);
    await sendEvent(bot, reaction("reaction_added", "U0CAROL", "fire", `${t0}.000200`));
    await sendEvent(bot, reaction("reaction_added", "U0CAROL", "scroll", `${t0}.000300`));
    let p = (await bot.oracle.getProphecy(id))!;
    expect(p.reactions).toEqual({ fire: 2, scroll: 1 });
    expect(p.reactionCount).toBe(3);

    // Bob removes his fire at t+2; the removal arrives, then (late) an older add from t+1.
    await sendEvent(bot, reaction("reaction_removed", "U0BOB", "fire", `${t0 + 2}.000000`));
    await sendEvent(bot, reaction("reaction_added", "U0BOB", "fire", `${t0 + 1}.000000`));
    await sendEvent(bot, reaction("reaction_removed", "U0BOB", "fire", `${t0 + 2}.000000`), { retryNum: 1 });
    p = (await bot.oracle.getProphecy(id))!;
    expect(p.reactions).toEqual({ fire: 1, scroll: 1 });
    expect(p.reactionCount).toBe(2);
    const rows = await getDb().prisma.reaction.findMany({ where: { prophecyId: id }, orderBy: { id: "asc" } });
    expect(rows).toHaveLength(3);
    expect(rows.every((r) => r.platform === "slack" && r.channel === channel)).toBe(true);
  });

  it("ignores reactions on other messages and on files", async () => {
    const before = await getDb().prisma.reaction.count();
    const now = `${Math.floor(Date.now() / 1000)}.000001`;
    const other = await sendEvent(bot, {
      type: "reaction_added",
      user: "U0BOB",
      reaction: "fire",
      item: { type: "message", channel: "C0GENERAL", ts: "1111111111.000001" },
      event_ts: now,
    });
    expect(other.status).toBe(200);
    await sendEvent(bot, {
      type: "reaction_added",
      user: "U0BOB",
      reaction: "fire",
      item: { type: "file", file: "F123" },
      event_ts: now,
    });
    expect(await getDb().prisma.reaction.count()).toBe(before);
  });

  it("/retrain is refused for a non-admin and queued for admins (configured or workspace)", async () => {
    const jobsBefore = (await listJobs(getDb(), { limit: 100 })).length;
    await sendCommand(bot, "/retrain", "new corpus", { user: "U0MALLORY" });
    const refused = await bot.fake.waitFor("respond");
    expect(refused.args.response_type).toBe("ephemeral");
    expect(String(refused.args.text)).toMatch(/Only workspace admins/);
    expect((await bot.fake.waitFor("users.info")).args.user).toBe("U0MALLORY");
    expect((await listJobs(getDb(), { limit: 100 })).length).toBe(jobsBefore);

    await sendCommand(bot, "/retrain", "fresh <weights>", { user: WORKSPACE_ADMIN, channel: "C0OPS" });
    const queued = await bot.fake.waitFor("respond", (c) => /queued/.test(String(c.args.text)));
    const jobId = Number(/job #(\d+)/.exec(String(queued.args.text))![1]);
    expect(String(queued.args.text)).toContain("fresh &lt;weights&gt;");
    const job = (await listJobs(getDb(), { limit: 100 })).find((j) => j.id === jobId)!;
    expect(job).toMatchObject({ state: "queued", requestedBy: WORKSPACE_ADMIN });

    bot.fake.calls.length = 0;
    await sendCommand(bot, "/retrain", "", { user: ADMIN_BY_CONFIG });
    await bot.fake.waitFor("respond", (c) => /queued/.test(String(c.args.text)));
    expect(bot.fake.callsOf("users.info")).toHaveLength(0); // configured admins need no lookup

    // The trainer ends the first job: its channel is told why it was not promoted.
    const running = await claimNextJob(getDb(), "test-runner");
    expect(running?.id).toBe(jobId);
    await finishJob(getDb(), jobId, {
      state: "rejected",
      version: 2,
      error: "validation loss 9.1 is worse than v1's 5.0",
    });
    const told = await bot.fake.waitFor("chat.postMessage", (c) => String(c.args.text).includes(`job #${jobId}`));
    expect(told.args.channel).toBe("C0OPS");
    expect(String(told.args.text)).toMatch(/not made current.*validation loss 9\.1/);
  });

  it("publishes the App Home with the current model and the week's top prophecies", async () => {
    const response = await sendEvent(bot, {
      type: "app_home_opened",
      user: "U0ALICE",
      channel: "D0ALICE",
      tab: "home",
      event_ts: `${Math.floor(Date.now() / 1000)}.000001`,
    });
    expect(response.status).toBe(200);
    const published = await bot.fake.waitFor("views.publish");
    expect(published.args.user_id).toBe("U0ALICE");
    const view = published.args.view as { type: string; blocks: { type: string; text?: { text: string } }[] };
    expect(view.type).toBe("home");
    const text = view.blocks.map((b) => b.text?.text ?? "").join("\n");
    expect(text).toMatch(/\*Model v1\*, trained/);
    expect(text).toMatch(/validation loss \d+\.\d{3}/);
    expect(text).toMatch(/Top prophecies of the week/);
    expect(JSON.stringify(view.blocks)).toMatch(/:fire: 1/); // the reacted prophecy from the reaction test is on top
  });

  it('"Another one" posts a fresh quatrain at the same temperature', async () => {
    const payload = {
      type: "block_actions",
      team: { id: "T0TEST", domain: "oracle-test" },
      user: { id: "U0BOB", username: "bob", team_id: "T0TEST" },
      api_app_id: "A0TEST",
      token: "legacy",
      trigger_id: "trigger.1",
      response_url: bot.fake.responseUrl("button"),
      container: { type: "message", message_ts: "1700000000.000001", channel_id: "C0GENERAL", is_ephemeral: false },
      channel: { id: "C0GENERAL", name: "general" },
      message: { ts: "1700000000.000001", text: "…" },
      actions: [
        {
          type: "button",
          action_id: "prophecy_another",
          block_id: "b1",
          value: JSON.stringify({ t: 1.3, a: null }),
          text: { type: "plain_text", text: "Another one" },
          action_ts: "1700000001.000001",
        },
      ],
    };
    expect((await sendAction(bot, payload)).status).toBe(200);
    const post = await bot.fake.waitFor("chat.postMessage");
    expect(quatrainLines(post)).toHaveLength(4);
    expect(contextText(post)).toContain("temperature 1.3");
  });

  it("history and top list prophecies with their reaction counts", async () => {
    await sendCommand(bot, "/prophecy", "top");
    const top = await bot.fake.waitFor("respond");
    const text = JSON.stringify(top.args.blocks);
    expect(top.args.response_type).toBe("ephemeral");
    expect(text).toContain("Most reacted prophecies");
    expect(text).toContain("2 reactions: ");
    expect(text).toContain(":fire: 1");
    expect(text).toContain(":scroll: 1");
    await sendCommand(bot, "/prophecy", "history");
    const recent = await bot.fake.waitFor("respond", (c) => c !== top);
    expect(JSON.stringify(recent.args.blocks)).toContain("Recent prophecies");
  });

  it('answers "busy" in the ack past BOT_MAX_IN_FLIGHT instead of queueing', async () => {
    const small = await startSlackBot(getDb(), { maxInFlight: 1 });
    try {
      const responses = await Promise.all(
        Array.from({ length: 5 }, (_, i) => sendCommand(small, "/prophecy", "1.0", { channel: `C0BUSY${i}` })),
      );
      const bodies = await Promise.all(responses.map((r) => r.text()));
      expect(responses.every((r) => r.status === 200)).toBe(true);
      const busy = bodies.filter((b) => b.includes("many questions at once"));
      expect(busy.length).toBeGreaterThanOrEqual(1);
      expect(busy.every((b) => (JSON.parse(b) as { response_type: string }).response_type === "ephemeral")).toBe(true);
      const accepted = 5 - busy.length;
      expect(accepted).toBeGreaterThanOrEqual(1);
      await waitFor("the accepted ones posted", () => small.fake.callsOf("chat.postMessage").length === accepted);
      // The slot is free again once the accepted one has finished (after its post, its record); once this
      // later command has posted, a refused one that ran anyway would have posted too.
      await waitFor("the slot freed", () => {
        const place = small.oracle.admit();
        place?.release();
        return place !== null;
      });
      const after = await sendCommand(small, "/prophecy", "1.0", { channel: "C0AFTER" });
      expect(await after.text()).not.toContain("many questions at once");
      await small.fake.waitFor("chat.postMessage", (c) => c.args.channel === "C0AFTER");
      expect(small.fake.callsOf("chat.postMessage")).toHaveLength(accepted + 1);
    } finally {
      await small.stop();
    }
  });

  it("posts through response_url where it is not a member, and answers a Slack failure generically without crashing", async () => {
    await sendCommand(bot, "/prophecy", "1.0", { channel: "C0NOTIN" });
    const shown = await bot.fake.waitFor("respond");
    expect(shown.args.response_type).toBe("in_channel");
    expect((shown.args.blocks as unknown[]).length).toBe(3);

    await sendCommand(bot, "/prophecy", "1.0", { channel: "C0BROKEN" });
    const sorry = await bot.fake.waitFor("respond", (c) => c !== shown);
    expect(sorry.args.response_type).toBe("ephemeral");
    expect(String(sorry.args.text)).toMatch(/stumbled|went wrong/i);
    expect(String(sorry.args.text)).not.toMatch(/internal_error|at .*\.ts/);

    // Still serving.
    bot.fake.calls.length = 0;
    await sendCommand(bot, "/prophecy", "1.0");
    expect(quatrainLines(await bot.fake.waitFor("chat.postMessage"))).toHaveLength(4);
  });
});
