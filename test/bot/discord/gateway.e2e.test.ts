// End to end in gateway mode: the real discord.js client of the real bot service, against a local
// fake Discord (REST + WebSocket gateway), on a real database with a tiny trained model.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { claimNextJob, finishJob, listJobs } from "../../../core/db/jobs.ts";
import { testProviders } from "../../helpers/db.ts";
import { waitFor } from "../../helpers/wait.ts";
import { FakeDiscord, snowflake, type RecordedRequest } from "./fake-discord.ts";
import { startBotFixture, type BotFixture } from "./bot-fixture.ts";

const NUMBER = 10;
const STRING = 3;

/** A slash command as the bot registers it (the fields these tests read). */
interface RegisteredCommand {
  name: string;
  options: { name: string; type: number }[];
  default_member_permissions: string;
}

interface ProphecyRow {
  id: number;
  messageRef: string | null;
  reactionCount: number;
  modelVersion: number;
}

// The gateway e2e on SQLite always; on PostgreSQL too unless TEST_SKIP_POSTGRES=1.
for (const provider of testProviders) {
  describe(`Discord gateway end to end [${provider}]`, () => {
    const adminUser = snowflake();
    const adminRole = snowflake();
    const member = snowflake();
    const fake = new FakeDiscord({ roleIds: [adminRole] });
    let fx: BotFixture;

    const prophecyRows = () => fx.db.prisma.prophecy.findMany({ orderBy: { id: "asc" } }) as Promise<ProphecyRow[]>;
    const callbackOf = (interactionId: string) => (r: RecordedRequest) =>
      r.method === "POST" && r.path.startsWith(`/interactions/${interactionId}/`) && r.path.endsWith("/callback");
    /** The message the bot's answer became: the callback's (type 4), or the edited deferral's (type 5). */
    async function answerOf(interaction: { id: string; token: string }) {
      const cb = await fake.waitForRequest(callbackOf(interaction.id));
      if (cb.body.type === 4) return { type: 4, data: cb.body.data };
      const edit = await fake.waitForRequest(
        (r) => r.method === "PATCH" && r.path.includes(`/${interaction.token}/messages/@original`),
      );
      return { type: 5, data: edit.body };
    }
    async function askProphecy(options: { name: string; type: number; value: unknown }[], userId = member) {
      const interaction = fake.commandInteraction("prophecy", options, { userId });
      fake.dispatch("INTERACTION_CREATE", interaction);
      const answer = await answerOf(interaction);
      return { interaction, answer, message: fake.original(interaction.token)! };
    }
    async function reactionsOf(prophecyId: number) {
      return fx.db.prisma.reaction.findMany({ where: { prophecyId, present: true } });
    }
    /**
     * How many reaction events of this message, user and emoji the bot has handled, recorded or
     * ignored (its debug line): the signal that a duplicate had its chance to be counted twice.
     */
    const handled = (messageRef: string, userId: string, emoji: string, added: boolean) =>
      fx.logs.filter(
        (l) =>
          /^reaction (recorded|on no prophecy)/.test(String(l.msg)) &&
          l.messageRef === messageRef &&
          l.userId === userId &&
          l.emoji === emoji &&
          l.added === added,
      ).length;

    beforeAll(async () => {
      await fake.start();
      fx = await startBotFixture(provider, {
        token: fake.token,
        applicationId: fake.applicationId,
        guildId: fake.guildId,
        apiUrl: fake.apiUrl,
        adminUserIds: [adminUser],
        adminRoleIds: [adminRole],
      });
    }, 180_000);
    afterAll(async () => {
      await fx?.close();
      await fake.close();
    });

    it("connects through the gateway protocol and registers the commands to the guild", async () => {
      expect(fake.requests.some((r) => r.method === "GET" && r.path === "/gateway/bot")).toBe(true);
      const identify = fake.gatewayFrames.find((f) => f.op === 2)!;
      expect(identify.d?.token).toBe(fake.token);
      // Guilds (1) + GuildMessageReactions (1 << 10), nothing privileged.
      expect(identify.d?.intents).toBe(1 | (1 << 10));
      const put = await fake.waitForRequest(
        (r) => r.method === "PUT" && r.path === `/applications/${fake.applicationId}/guilds/${fake.guildId}/commands`,
      );
      const byName = Object.fromEntries((put.body as unknown as RegisteredCommand[]).map((c) => [c.name, c]));
      expect(Object.keys(byName).sort()).toEqual(["history", "model", "prophecy", "retrain"]);
      const temperature = byName.prophecy.options.find((o) => o.name === "temperature");
      expect(temperature).toMatchObject({ type: NUMBER, min_value: 0.1, max_value: 2 });
      expect(byName.prophecy.options.find((o) => o.name === "about")).toMatchObject({
        type: STRING,
        autocomplete: true,
      });
      expect(byName.retrain.default_member_permissions).toBe(String(1 << 5)); // Manage Server
    });

    it("/prophecy temperature 1.2: a four-line quatrain reaches Discord, stored and tied to its message", async () => {
      const { answer, message } = await askProphecy([{ name: "temperature", type: NUMBER, value: 1.2 }]);
      const embed = answer.data.embeds[0];
      const lines = embed.description.split("\n");
      expect(lines).toHaveLength(4);
      for (const l of lines) expect(l.trim().length).toBeGreaterThan(0);
      expect(embed.footer.text).toMatch(/^model v1 · temperature 1\.2/);
      const row = await waitFor("the prophecy row of the message", async () =>
        (await prophecyRows()).find((p) => p.messageRef === message.id),
      );
      // The button names the prophecy it sits under: a click asks again with its temperature and words.
      expect(answer.data.components[0].components[0]).toMatchObject({
        type: 2,
        label: "Another one",
        custom_id: `another-one:#${row.id}`,
      });
      expect(answer.data.allowed_mentions).toEqual({ parse: [] });

      expect(row.modelVersion).toBe(1);
      const full = await fx.db.prisma.prophecy.findUnique({ where: { id: row.id } });
      expect(full).toMatchObject({
        surface: "discord",
        requestedBy: member,
        temperature: 1.2,
        channel: fake.channelId,
      });
      // The log line of the command: surface, command, user, prophecy id, latency.
      const line = await waitFor("the command's log line", async () =>
        fx.logs.find((l) => l.command === "/prophecy" && l.prophecyId === row.id),
      );
      expect(line).toMatchObject({ surface: "discord", user: member, outcome: "ok" });
      expect(typeof line.latencyMs).toBe("number");
    });

    it("reactions on a prophecy message land exactly once, removal deletes, the bot's own are ignored", async () => {
      const { message } = await askProphecy([]);
      const row = await waitFor("the prophecy row of the message", async () =>
        (await prophecyRows()).find((p) => p.messageRef === message.id),
      );
      const fan = snowflake();
      const fire = { id: null, name: "🔥" };
      const eye = { id: snowflake(), name: "oracle_eye" };
      // The same add dispatched twice (a resumed session may replay): counted once.
      fake.dispatch("MESSAGE_REACTION_ADD", fake.reaction("add", message.id, fan, fire));
      fake.dispatch("MESSAGE_REACTION_ADD", fake.reaction("add", message.id, fan, fire));
      fake.dispatch("MESSAGE_REACTION_ADD", fake.reaction("add", message.id, fx.config.discord.applicationId!, fire)); // the bot itself
      fake.dispatch("MESSAGE_REACTION_ADD", fake.reaction("add", message.id, member, eye));
      // Both adds handled, and the member's, which came after the bot's own: every event has had its turn.
      await waitFor("both 🔥 adds handled", () => handled(message.id, fan, "🔥", true) === 2);
      await waitFor(
        "the member's reaction handled",
        () => handled(message.id, member, `oracle_eye:${eye.id}`, true) === 1,
      );
      expect(handled(message.id, fx.config.discord.applicationId!, "🔥", true)).toBe(0);
      const present = await reactionsOf(row.id);
      expect(present).toHaveLength(2);
      expect(present.find((r) => r.userId === fan)?.emoji).toBe("🔥");
      expect(present.find((r) => r.userId === member)?.emoji).toBe(`oracle_eye:${eye.id}`);
      expect((await fx.db.prisma.prophecy.findUnique({ where: { id: row.id } }))!.reactionCount).toBe(2);

      fake.dispatch("MESSAGE_REACTION_REMOVE", fake.reaction("remove", message.id, fan, fire));
      await waitFor("the removal handled", () => handled(message.id, fan, "🔥", false) === 1);
      expect(await reactionsOf(row.id)).toHaveLength(1);
      expect((await fx.db.prisma.prophecy.findUnique({ where: { id: row.id } }))!.reactionCount).toBe(1);
    });

    it("a reaction on a message the client never saw (not cached) still counts", async () => {
      // A prophecy posted before this process started: its message is in no cache.
      const oldMessageId = snowflake();
      const created = await fx.db.prisma.prophecy.create({
        data: {
          text: "a b c d",
          lines: ["a", "b", "c", "d"],
          temperature: 1,
          modelVersion: 1,
          longestCopied: 0,
          surface: "discord",
          channel: fake.channelId,
          messageRef: oldMessageId,
        },
      });
      const fan = snowflake();
      fake.dispatch("MESSAGE_REACTION_ADD", fake.reaction("add", oldMessageId, fan, { id: null, name: "👍" }));
      fake.dispatch("MESSAGE_REACTION_ADD", fake.reaction("add", oldMessageId, fan, { id: null, name: "👍" }));
      await waitFor("both adds handled", () => handled(oldMessageId, fan, "👍", true) === 2);
      expect(await reactionsOf(created.id)).toHaveLength(1);
      fake.dispatch("MESSAGE_REACTION_REMOVE", fake.reaction("remove", oldMessageId, fan, { id: null, name: "👍" }));
      await waitFor("the removal handled", () => handled(oldMessageId, fan, "👍", false) === 1);
      expect(await reactionsOf(created.id)).toHaveLength(0);
      // A reaction on some other message (not a prophecy) changes nothing.
      const before = await fx.db.prisma.reaction.count();
      const other = snowflake();
      fake.dispatch("MESSAGE_REACTION_ADD", fake.reaction("add", other, fan, { id: null, name: "👍" }));
      await waitFor("the reaction on no prophecy handled", () => handled(other, fan, "👍", true) === 1);
      expect(await fx.db.prisma.reaction.count()).toBe(before);
    });

    it("the 'Another one' button answers with a fresh quatrain at the same temperature and starting words", async () => {
      const word = "the"; // in every slice of the corpus
      const { answer: first, message } = await askProphecy([
        { name: "temperature", type: NUMBER, value: 0.7 },
        { name: "about", type: STRING, value: word },
      ]);
      const customId = first.data.components[0].components[0].custom_id;
      const click = fake.buttonInteraction(customId, message, { userId: member });
      fake.dispatch("INTERACTION_CREATE", click);
      const answer = await answerOf(click);
      const lines = answer.data.embeds[0].description.split("\n");
      expect(lines).toHaveLength(4);
      expect(answer.data.embeds[0].footer.text).toMatch(new RegExp(`temperature 0\\.7 · about "${word}"`));
      expect(lines[0].toLowerCase()).toContain(word);
      // A button posted before the id named its prophecy (the temperature alone) still answers.
      const old = fake.buttonInteraction("another-one:1.3", message, { userId: member });
      fake.dispatch("INTERACTION_CREATE", old);
      expect((await answerOf(old)).data.embeds[0].footer.text).toMatch(/temperature 1\.3 · #/);
    });

    it("bad input gets a short private message, the user's text escaped, and the process carries on", async () => {
      const interaction = fake.commandInteraction(
        "prophecy",
        [{ name: "about", type: STRING, value: "**zzqx** @everyone" }],
        { userId: member },
      );
      fake.dispatch("INTERACTION_CREATE", interaction);
      const answer = await answerOf(interaction);
      expect(answer.data.flags & 64).toBe(64);
      expect(answer.data.content).toMatch(/zzqx/);
      expect(answer.data.content).not.toMatch(/\*\*zzqx\*\*/);
      expect(answer.data.content).not.toMatch(/at .*\.ts:\d+/);
      expect(answer.data.allowed_mentions).toEqual({ parse: [] });
      // Still serving.
      const next = await askProphecy([]);
      expect(next.answer.data.embeds[0].description.split("\n")).toHaveLength(4);
    });

    it("/retrain: refused for a non-admin, queued for an admin, and the channel hears how the job ended", async () => {
      const jobsBefore = (await listJobs(fx.db)).length;
      const refused = fake.commandInteraction("retrain", [], { userId: member, permissions: String(1 << 5) });
      fake.dispatch("INTERACTION_CREATE", refused);
      const no = await answerOf(refused);
      expect(no.data.flags & 64).toBe(64);
      expect(no.data.content).toMatch(/keepers/);
      expect(await listJobs(fx.db)).toHaveLength(jobsBefore);

      for (const by of [{ userId: adminUser }, { userId: snowflake(), roles: [adminRole] }]) {
        const asked = fake.commandInteraction("retrain", [{ name: "reason", type: STRING, value: "new moon" }], by);
        fake.dispatch("INTERACTION_CREATE", asked);
        const yes = await answerOf(asked);
        expect(yes.data.flags & 64).toBe(64);
        const jobId = Number(yes.data.content.match(/job #(\d+)/)![1]);
        const job = (await listJobs(fx.db)).find((j) => j.id === jobId)!;
        expect(job).toMatchObject({ state: "queued", requestedBy: by.userId, reason: "new moon" });
      }

      // A trainer takes one job and the gate rejects its version: the channel is told once, with the reason.
      const claimed = (await claimNextJob(fx.db, "test-runner"))!;
      await finishJob(fx.db, claimed.id, {
        state: "rejected",
        version: 1,
        error: "validation loss 9.9 is worse than 5.1",
        runner: "test-runner",
      });
      const post = await fake.waitForRequest(
        (r) =>
          r.method === "POST" &&
          r.path === `/channels/${fake.channelId}/messages` &&
          String(r.body.content).includes(`#${claimed.id}`),
      );
      expect(post.body.content).toMatch(/rejected: validation loss 9\.9 is worse than 5\.1/);
      expect(post.body.allowed_mentions).toEqual({ parse: [] });
      // A later outcome (the other job) announced: the announcer has looked again since, and outcomes
      // are claimed oldest first, so a repeat of the first would be posted by now.
      const later = (await claimNextJob(fx.db, "test-runner"))!;
      await finishJob(fx.db, later.id, { state: "failed", error: "out of memory", runner: "test-runner" });
      await fake.waitForRequest(
        (r) =>
          r.method === "POST" &&
          r.path === `/channels/${fake.channelId}/messages` &&
          String(r.body.content).includes(`#${later.id}`),
      );
      expect(
        fake.requests.filter(
          (r) => r.path === `/channels/${fake.channelId}/messages` && String(r.body.content).includes(`#${claimed.id}`),
        ),
      ).toHaveLength(1);
    });

    it("/model and /history answer privately from the oracle", async () => {
      const model = fake.commandInteraction("model", [], { userId: member });
      fake.dispatch("INTERACTION_CREATE", model);
      const m = await answerOf(model);
      expect(m.data.content).toMatch(/Model v1/);
      expect(m.data.content).toMatch(/perplexity/);

      const history = fake.commandInteraction("history", [{ name: "top", type: 5, value: true }], { userId: member });
      fake.dispatch("INTERACTION_CREATE", history);
      const h = await answerOf(history);
      expect(h.data.flags & 64).toBe(64);
      expect(h.data.embeds[0].title).toMatch(/Most reacted/);
      // The most reacted prophecy (two reactions, one left) comes first, with its count.
      expect(h.data.embeds[0].description.split("\n\n")[0]).toMatch(/<:oracle_eye:\d+> 1/);
    });

    it("a newly promoted version is served by the next /prophecy, without a restart", async () => {
      const v2 = await fx.trainAnother();
      expect(v2).toBe(2);
      await waitFor("v2 served", async () => {
        const res = await fetch(`${fx.bot.url}/readyz`);
        return res.ok && ((await res.json()) as { modelVersion: number }).modelVersion === 2;
      });
      const { answer } = await askProphecy([{ name: "temperature", type: NUMBER, value: 1.2 }]);
      expect(answer.data.embeds[0].footer.text).toMatch(/^model v2 · temperature 1\.2/);
    }, 120_000);
  });
}
