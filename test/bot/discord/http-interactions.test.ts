// POST /discord/interactions with real Ed25519 signatures, on the real bot service started with
// DISCORD_PUBLIC_KEY alone (no token, no gateway).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeDiscord, snowflake, type SentMessage } from "./fake-discord.ts";
import { appKeys, signed } from "./signing.ts";
import { startBotFixture, type BotFixture } from "./bot-fixture.ts";
import { waitFor } from "../../helpers/wait.ts";

describe("Discord HTTP interactions [sqlite]", () => {
  const keys = appKeys();
  const fake = new FakeDiscord();
  let fx: BotFixture;
  const post = (req: { body: string; headers: Record<string, string> }) =>
    fetch(`${fx.bot.url}/discord/interactions`, { method: "POST", body: req.body, headers: req.headers });
  const prophecyCount = () => fx.db.prisma.prophecy.count();
  const prophecyAsk = () =>
    fake.commandInteraction("prophecy", [{ name: "temperature", type: 10, value: 1.2 }], { userId: snowflake() });

  beforeAll(async () => {
    await fake.start();
    fx = await startBotFixture("sqlite", {
      publicKey: keys.publicKeyHex,
      applicationId: fake.applicationId,
      apiUrl: fake.apiUrl,
    });
  }, 180_000);
  afterAll(async () => {
    await fx?.close();
    await fake.close();
  });

  it("runs on the public key alone: no gateway, no registration", () => {
    expect(fx.bot.surfaces).toContain("discord");
    expect(fake.requests).toEqual([]);
    expect(fake.connected).toBe(0);
  });

  it("PING → PONG", async () => {
    const res = await post(
      signed(keys, { id: snowflake(), application_id: fake.applicationId, type: 1, token: "t", version: 1 }),
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ type: 1 });
  });

  it("/prophecy: a four-line quatrain in the response (type 4), stored, and tied to its message", async () => {
    const interaction = prophecyAsk();
    const res = await post(signed(keys, interaction));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { type: number; data: SentMessage };
    expect(body.type).toBe(4);
    const lines = body.data.embeds[0].description.split("\n");
    expect(lines).toHaveLength(4);
    expect(body.data.embeds[0].footer.text).toMatch(/^model v1 · temperature 1\.2/);
    // Discord turns the response into a message; the bot asks for its id through the webhook.
    const message = fake.setOriginal(interaction.token, body.data);
    const get = await fake.waitForRequest(
      (r) => r.method === "GET" && r.path === `/webhooks/${fake.applicationId}/${interaction.token}/messages/@original`,
    );
    expect(get.auth).toBeUndefined(); // interaction tokens need no bot token
    const row = await waitFor("the prophecy row of the message", () =>
      fx.db.prisma.prophecy.findFirst({ where: { messageRef: message.id } }),
    );
    expect(row).toMatchObject({ surface: "discord", temperature: 1.2, modelVersion: 1 });
  });

  it("autocomplete of `about` offers vocabulary words starting with what was typed (type 8)", async () => {
    const interaction = {
      ...fake.commandInteraction("prophecy", [{ name: "about", type: 3, value: "the t", focused: true } as never], {
        userId: snowflake(),
      }),
      type: 4,
    };
    const res = await post(signed(keys, interaction));
    const body = (await res.json()) as { type: number; data: { choices: { name: string; value: string }[] } };
    expect(body.type).toBe(8);
    expect(body.data.choices.length).toBeGreaterThan(0);
    for (const c of body.data.choices) expect(c.value).toMatch(/^the t/);
  });

  const refusals: [string, () => { body: string; headers: Record<string, string> }][] = [
    ["signed with another key", () => signed(appKeys(), prophecyAsk())],
    [
      "a tampered body",
      () => {
        const req = signed(keys, prophecyAsk());
        return { ...req, body: req.body.replace("1.2", "1.9") };
      },
    ],
    ["a stale timestamp", () => signed(keys, prophecyAsk(), Math.floor(Date.now() / 1000) - 3600)],
    ["a timestamp from the future", () => signed(keys, prophecyAsk(), Math.floor(Date.now() / 1000) + 3600)],
    [
      "no signature header",
      () => {
        const req = signed(keys, prophecyAsk());
        const { "x-signature-ed25519": _s, ...headers } = req.headers;
        return { ...req, headers };
      },
    ],
    [
      "no timestamp header",
      () => {
        const req = signed(keys, prophecyAsk());
        const { "x-signature-timestamp": _t, ...headers } = req.headers;
        return { ...req, headers };
      },
    ],
    [
      "a malformed signature",
      () => {
        const req = signed(keys, prophecyAsk());
        return { ...req, headers: { ...req.headers, "x-signature-ed25519": "zz" } };
      },
    ],
    [
      "no body at all",
      () => {
        const req = signed(keys, prophecyAsk());
        return {
          body: "",
          headers: {
            "x-signature-ed25519": req.headers["x-signature-ed25519"],
            "x-signature-timestamp": req.headers["x-signature-timestamp"],
          },
        };
      },
    ],
  ];
  for (const [what, make] of refusals) {
    it(`401 and nothing changes for ${what}`, async () => {
      const before = await prophecyCount();
      const requestsBefore = fake.requests.length;
      const logsBefore = fx.logs.length;
      const res = await post(make());
      expect(res.status).toBe(401);
      // A valid ask after it, until its command line is logged: the refused one ran no command, wrote
      // nothing and called Discord for nothing (all that changed is the later ask's doing).
      const userId = snowflake();
      const later = fake.commandInteraction("prophecy", [], { userId });
      const answer = (await (await post(signed(keys, later))).json()) as { type: number; data?: SentMessage };
      fake.setOriginal(later.token, answer.data ?? {});
      await waitFor("the later ask's command line", () => fx.logs.slice(logsBefore).some((l) => l.user === userId));
      expect(fx.logs.slice(logsBefore).filter((l) => "outcome" in l && "command" in l)).toHaveLength(1);
      expect(await prophecyCount()).toBe(before + 1);
      expect(fake.requests.slice(requestsBefore).every((r) => r.path.includes(later.token))).toBe(true);
    });
  }
});

describe("Discord HTTP interactions, deferred answers [sqlite]", () => {
  const keys = appKeys();
  const fake = new FakeDiscord();
  let fx: BotFixture;

  beforeAll(async () => {
    await fake.start();
    // Every answer takes "too long": the bot must defer at once and follow up through the webhook.
    fx = await startBotFixture(
      "sqlite",
      { publicKey: keys.publicKeyHex, applicationId: fake.applicationId, apiUrl: fake.apiUrl, deferAfterMs: 0 },
      { maxInFlight: 1 },
    );
  }, 180_000);
  afterAll(async () => {
    await fx?.close();
    await fake.close();
  });

  it("/prophecy: type 5 at once, then the quatrain edited in through discord.js REST, tied to its message", async () => {
    const interaction = fake.commandInteraction("prophecy", [{ name: "temperature", type: 10, value: 0.8 }], {
      userId: snowflake(),
    });
    const req = signed(keys, interaction);
    const res = await fetch(`${fx.bot.url}/discord/interactions`, {
      method: "POST",
      body: req.body,
      headers: req.headers,
    });
    expect(await res.json()).toEqual({ type: 5 });
    // Discord shows "thinking…" as the original message; the bot edits it.
    const message = fake.setOriginal(interaction.token, {});
    const edit = await fake.waitForRequest(
      (r) =>
        r.method === "PATCH" && r.path === `/webhooks/${fake.applicationId}/${interaction.token}/messages/@original`,
    );
    expect(edit.auth).toBeUndefined();
    expect(edit.body.embeds[0].description.split("\n")).toHaveLength(4);
    expect(edit.body.embeds[0].footer.text).toMatch(/temperature 0\.8/);
    const row = await waitFor("the prophecy row of the message", () =>
      fx.db.prisma.prophecy.findFirst({ where: { messageRef: message.id } }),
    );
    expect(row).toMatchObject({ surface: "discord", temperature: 0.8 });
  });

  it("a mistake after a public deferral: the thinking message goes, a private note follows", async () => {
    const interaction = fake.commandInteraction("prophecy", [{ name: "temperature", type: 10, value: 7 }], {
      userId: snowflake(),
    });
    const req = signed(keys, interaction);
    const res = await fetch(`${fx.bot.url}/discord/interactions`, {
      method: "POST",
      body: req.body,
      headers: req.headers,
    });
    const first = (await res.json()) as { type: number; data?: Partial<SentMessage> };
    fake.setOriginal(interaction.token, {});
    if (first.type === 5) {
      await fake.waitForRequest(
        (r) => r.method === "DELETE" && r.path.includes(`/${interaction.token}/messages/@original`),
      );
      const note = await fake.waitForRequest(
        (r) => r.method === "POST" && r.path === `/webhooks/${fake.applicationId}/${interaction.token}`,
      );
      expect(note.body.flags).toBe(64);
      expect(note.body.content).toMatch(/[Tt]emperature/);
    } else {
      // The oracle refused before the deferral timer fired: a private reply straight away.
      expect(first).toMatchObject({ type: 4, data: { flags: 64 } });
      expect(first.data?.content).toMatch(/[Tt]emperature/);
    }
  });

  it("overload: beyond BOT_MAX_IN_FLIGHT a request is told at once, privately, that the oracle is busy", async () => {
    const asks = [0, 1].map(() => fake.commandInteraction("prophecy", [], { userId: snowflake() }));
    const answers = await Promise.all(
      asks.map(async (interaction) => {
        const req = signed(keys, interaction);
        const res = await fetch(`${fx.bot.url}/discord/interactions`, {
          method: "POST",
          body: req.body,
          headers: req.headers,
        });
        fake.setOriginal(interaction.token, {});
        return (await res.json()) as { type: number; data?: { flags?: number; content?: string } };
      }),
    );
    expect(answers.map((a) => a.type).sort()).toEqual([4, 5]);
    const busy = answers.find((a) => a.type === 4)!;
    expect(busy.data?.flags).toBe(64);
    expect(busy.data?.content).toMatch(/many questions at once/);
    // The one that was taken is delivered.
    const taken = asks[answers.findIndex((a) => a.type === 5)];
    const edit = await fake.waitForRequest(
      (r) => r.method === "PATCH" && r.path.includes(`/${taken.token}/messages/@original`),
    );
    expect(edit.body.embeds[0].description.split("\n")).toHaveLength(4);
  });
});
