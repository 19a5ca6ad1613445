import { afterAll, beforeAll, expect, it } from "vitest";
import { openDatabase } from "../../../core/db/client.ts";
import { claimNextJob, enqueueJob, finishJob, getJob } from "../../../core/db/jobs.ts";
import { createModelVersion, getModelVersion, promote, rollback } from "../../../core/db/model-versions.ts";
import { recordProphecy } from "../../../core/db/prophecies.ts";
import { listReactions } from "../../../core/db/reactions.ts";
import { RateLimitedError, UserError } from "../../../core/errors.ts";
import { silentLogger } from "../../../core/logger.ts";
import { createOracle } from "../../../core/oracle/oracle.ts";
import type { Oracle } from "../../../core/oracle/types.ts";
import { initBackend } from "../../../core/tf/backend.ts";
import { countingCalls, describeEachDatabase } from "../../helpers/db.ts";
import { capturedLog, oracleConfig, trainTiny } from "./fixture.ts";
import { waitFor } from "../../helpers/wait.ts";

describeEachDatabase("oracle before any model", (getDb) => {
  it("says it is still learning, and is not ready", async () => {
    const oracle = createOracle({ db: getDb(), config: oracleConfig(getDb()), log: silentLogger, watch: false });
    try {
      const asking = oracle.prophesy({}, { surface: "discord", requestedBy: "u1" });
      await expect(asking).rejects.toThrow(UserError);
      await expect(oracle.prophesy({}, { surface: "discord", requestedBy: "u1" })).rejects.toThrow(
        "The oracle is still learning, try again in a few minutes.",
      );
      expect(await oracle.readiness()).toEqual({ ready: false, reason: "no model has been trained yet" });
      expect(await oracle.currentModel()).toBeNull();
      expect(await oracle.suggestWords("th")).toEqual([]);
    } finally {
      await oracle.close();
    }
  });
});

describeEachDatabase("oracle", (getDb) => {
  let v1: number;
  let v2: number;
  let oracle: Oracle;
  let clock = 1_000_000;

  beforeAll(async () => {
    await initBackend({ preference: "wasm" });
    v1 = await trainTiny(getDb());
    v2 = await trainTiny(getDb());
    await rollback(getDb(), "tester"); // v1 current; v2 waits to be promoted by the hot-switch test
    oracle = createOracle({
      db: getDb(),
      config: oracleConfig(getDb(), { rateLimitPerMinute: 3 }),
      log: silentLogger,
      watch: false,
      now: () => clock,
    });
  }, 240_000);
  afterAll(async () => {
    await oracle?.close();
  });

  it("prophesies for the CLI: records surface and user, and each stored seed reproduces its quatrain", async () => {
    const got = await oracle.prophesy({ temperature: "1.2", count: 2 }, { surface: "cli", requestedBy: "alice" });
    expect(got).toHaveLength(2);
    for (const p of got) {
      expect(p).toMatchObject({
        surface: "cli",
        requestedBy: "alice",
        channel: null,
        messageRef: null,
        temperature: 1.2,
        modelVersion: v1,
        reactions: {},
        reactionCount: 0,
      });
      expect(p.lines).toHaveLength(4);
      expect(await oracle.getProphecy(p.id)).toEqual(p);
    }
    expect(got[1].id).toBeGreaterThan(got[0].id);
    const again = await oracle.prophesy(
      { temperature: 1.2, seed: got[1].seed! },
      { surface: "cli", requestedBy: "bob" },
    );
    expect(again[0].text).toBe(got[1].text);
    expect(again[0].seed).toBe(got[1].seed);
  });

  it("prophesies for a chat surface with its channel; bad input is a UserError", async () => {
    const [p] = await oracle.prophesy(
      { about: "The great" },
      { surface: "discord", requestedBy: "d-user", channel: "chan-1" },
    );
    expect(p).toMatchObject({ surface: "discord", requestedBy: "d-user", channel: "chan-1" });
    expect(p.text.toLowerCase().startsWith("the great")).toBe(true);
    await expect(
      oracle.prophesy({ temperature: "hot" }, { surface: "discord", requestedBy: "d-user2" }),
    ).rejects.toThrow(UserError);
    await expect(oracle.prophesy({ about: "xylophone" }, { surface: "slack", requestedBy: "s-user" })).rejects.toThrow(
      /"xylophone"/,
    );
  });

  it("limits each user per surface and minute", async () => {
    const ctx = { surface: "discord", requestedBy: "spammer" } as const;
    for (let i = 0; i < 3; i++) await oracle.prophesy({}, ctx);
    await expect(oracle.prophesy({}, ctx)).rejects.toThrow(/^You are asking too fast; try again in 60 s\.$/);
    clock += 30_000;
    await expect(oracle.prophesy({}, ctx)).rejects.toThrow(/try again in 30 s/);
    // Other users and the same user elsewhere are not held back.
    await oracle.prophesy({}, { surface: "discord", requestedBy: "someone-else" });
    await oracle.prophesy({}, { surface: "slack", requestedBy: "spammer" });
    clock += 31_000;
    await oracle.prophesy({}, ctx);
  });

  it("keeps one limiter per surface: the web's per client address (WEB_RATE_LIMIT_PER_MINUTE), chat's per user", async () => {
    const base = oracleConfig(getDb(), { rateLimitPerMinute: 1 });
    const limited = createOracle({
      db: getDb(),
      config: { ...base, web: { ...base.web, rateLimitPerMinute: 2 } },
      log: silentLogger,
      watch: false,
      now: () => clock,
    });
    try {
      const web = { surface: "web", requestedBy: "203.0.113.7" } as const;
      await limited.prophesy({}, web);
      await limited.prophesy({}, web);
      const refused = await limited.prophesy({}, web).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(RateLimitedError);
      expect(refused).toMatchObject({ retryAfterSeconds: 60, message: "You are asking too fast; try again in 60 s." });
      const chat = { surface: "slack", requestedBy: "U1" } as const;
      await limited.prophesy({}, chat);
      await expect(limited.prophesy({}, chat)).rejects.toThrow("You are asking too fast; try again in 60 s.");
    } finally {
      await limited.close();
    }
  });

  it("logs reactions once each: duplicates, removals, retries and late older events", async () => {
    const [p] = await oracle.prophesy({}, { surface: "discord", requestedBy: "r-user", channel: "c9" });
    await oracle.attachMessage(p.id, "msg-1", "c9");
    const at = (s: number) => new Date(Date.UTC(2026, 10, 26, 4, 0, s));
    const ev = { platform: "discord", messageRef: "msg-1", channel: "c9", emoji: "🔥" } as const;

    expect(await oracle.recordReaction({ ...ev, userId: "a", added: true, at: at(1) })).toBe(true);
    expect(await oracle.recordReaction({ ...ev, userId: "a", added: true, at: at(1) })).toBe(true); // retry
    expect(await oracle.recordReaction({ ...ev, userId: "a", added: true, at: at(2) })).toBe(true); // added twice
    expect(await oracle.recordReaction({ ...ev, userId: "b", added: true, at: at(3) })).toBe(true);
    expect(await oracle.recordReaction({ ...ev, userId: "b", emoji: "👍", added: true, at: at(3) })).toBe(true);
    expect(await oracle.getProphecy(p.id)).toMatchObject({
      reactions: { "🔥": 2, "👍": 1 },
      reactionCount: 3,
      messageRef: "msg-1",
    });

    expect(await oracle.recordReaction({ ...ev, userId: "a", added: false, at: at(5) })).toBe(true);
    // Older events delivered late, and a retried removal, change nothing.
    expect(await oracle.recordReaction({ ...ev, userId: "a", added: true, at: at(4) })).toBe(true);
    expect(await oracle.recordReaction({ ...ev, userId: "a", added: false, at: at(5) })).toBe(true);
    expect(await oracle.recordReaction({ ...ev, userId: "b", added: false, at: at(2) })).toBe(true);
    expect(await oracle.getProphecy(p.id)).toMatchObject({ reactions: { "🔥": 1, "👍": 1 }, reactionCount: 2 });
    // Removal out of order before the add it undoes: the add (older) is ignored.
    expect(await oracle.recordReaction({ ...ev, userId: "c", added: false, at: at(9) })).toBe(true);
    expect(await oracle.recordReaction({ ...ev, userId: "c", added: true, at: at(8) })).toBe(true);
    expect((await oracle.getProphecy(p.id))!.reactionCount).toBe(2);

    const rows = await listReactions(getDb(), p.id);
    expect(
      rows
        .filter((r) => r.present)
        .map((r) => `${r.userId}${r.emoji}`)
        .sort(),
    ).toEqual(["b👍", "b🔥"]);

    // Messages that carry no prophecy (or carry it on another platform) are ignored.
    expect(await oracle.recordReaction({ ...ev, messageRef: "not-ours", userId: "a", added: true, at: at(10) })).toBe(
      false,
    );
    expect(await oracle.recordReaction({ ...ev, platform: "slack", userId: "a", added: true, at: at(10) })).toBe(false);
    expect((await oracle.getProphecy(p.id))!.reactionCount).toBe(2);
  });

  it("applies concurrent reactions on one prophecy without losing any", async () => {
    const [p] = await oracle.prophesy({}, { surface: "slack", requestedBy: "conc" });
    await oracle.attachMessage(p.id, "1732590000.000100", "C1");
    const at = new Date();
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        oracle.recordReaction({
          platform: "slack",
          messageRef: "1732590000.000100",
          userId: `u${i % 6}`,
          emoji: i < 6 ? "fire" : "eyes",
          added: true,
          at,
        }),
      ),
    );
    expect(await oracle.getProphecy(p.id)).toMatchObject({ reactionCount: 12, reactions: { fire: 6, eyes: 6 } });
  });

  it("pages the history by date or by reactions, with every filter", async () => {
    await clearProphecies();
    const base = Date.UTC(2026, 0, 1);
    const made: Awaited<ReturnType<typeof recordProphecy>>[] = [];
    for (let i = 0; i < 9; i++) {
      made.push(
        await recordProphecy(getDb(), {
          text: i % 3 === 0 ? `The Great King ${i}` : `a quiet sea ${i}`,
          lines: ["a", "b", "c", "d"],
          temperature: 0.5 + i * 0.1,
          modelVersion: i < 6 ? v1 : v2,
          longestCopied: 1,
          surface: i % 2 ? "slack" : "discord",
          requestedBy: `u${i}`,
          messageRef: `m${i}`,
        }),
      );
      await getDb().prisma.prophecy.update({
        where: { id: made[i].id },
        data: { createdAt: new Date(base + i * 3600_000) },
      });
    }
    // Reactions: m4 ×3, m1 ×2, m7 ×2, m2 ×1.
    const react = async (ref: string, n: number, platform: "discord" | "slack") => {
      for (let u = 0; u < n; u++)
        await oracle.recordReaction({
          platform,
          messageRef: ref,
          userId: `x${u}`,
          emoji: "⭐",
          added: true,
          at: new Date(),
        });
    };
    await react("m4", 3, "discord");
    await react("m1", 2, "slack");
    await react("m7", 2, "slack");
    await react("m2", 1, "discord");

    const all = async (query: Parameters<Oracle["history"]>[0]) => {
      const ids: number[] = [];
      let cursor: string | null = null;
      do {
        const page = await oracle.history({ ...query, cursor, limit: 2 });
        expect(page.prophecies.length).toBeLessThanOrEqual(2);
        ids.push(...page.prophecies.map((p) => p.id));
        cursor = page.nextCursor;
      } while (cursor);
      return ids;
    };
    const id = (i: number) => made[i].id;
    expect(await all({})).toEqual([8, 7, 6, 5, 4, 3, 2, 1, 0].map(id));
    expect(await all({ sort: "reactions" })).toEqual([4, 7, 1, 2, 8, 6, 5, 3, 0].map(id));
    const top = await oracle.history({ sort: "reactions", limit: 1 });
    expect(top.prophecies[0]).toMatchObject({ id: id(4), reactionCount: 3, reactions: { "⭐": 3 } });
    expect(await all({ surface: "slack" })).toEqual([7, 5, 3, 1].map(id));
    expect(await all({ modelVersion: v2, sort: "reactions" })).toEqual([7, 8, 6].map(id));
    expect(await all({ minTemperature: 0.85, maxTemperature: 1.05 })).toEqual([5, 4].map(id));
    expect(await all({ from: new Date(base + 2 * 3600_000), to: new Date(base + 5 * 3600_000) })).toEqual(
      [4, 3, 2].map(id),
    );
    expect(await all({ q: "great KING" })).toEqual([6, 3, 0].map(id));
    expect(await all({ q: "great", surface: "discord", sort: "reactions" })).toEqual([6, 0].map(id));
    // A cursor of one sort is refused by the other, as a user error.
    const first = await oracle.history({ limit: 1 });
    await expect(oracle.history({ sort: "reactions", cursor: first.nextCursor })).rejects.toThrow(UserError);
    await expect(oracle.history({ cursor: "garbage" })).rejects.toThrow(UserError);
  });

  it("queues retrains with who, where and why, and hands each finished job to one of two bots", async () => {
    const other = await openDatabase(getDb().url);
    const second = createOracle({ db: other, config: oracleConfig(getDb()), log: silentLogger, watch: false });
    try {
      const tickets: Awaited<ReturnType<Oracle["requestRetrain"]>>[] = [];
      for (let i = 0; i < 6; i++) {
        tickets.push(
          await oracle.requestRetrain({
            surface: "discord",
            requestedBy: `admin${i}`,
            channel: "ops",
            reason: `  reason ${i} `,
          }),
        );
      }
      expect(tickets[0].state).toBe("queued");
      expect(await getJob(getDb(), tickets[0].jobId)).toMatchObject({
        surface: "discord",
        channel: "ops",
        requestedBy: "admin0",
        reason: "reason 0",
      });
      const cliJob = await enqueueJob(getDb(), { requestedBy: "cli-user", reason: "nightly" });
      expect(await oracle.claimJobOutcomes("discord")).toEqual([]); // nothing finished yet

      for (let i = 0; i < 7; i++) {
        const job = (await claimNextJob(getDb(), "runner"))!;
        await finishJob(
          getDb(),
          job.id,
          i % 2 ? { state: "rejected", version: v2, error: "worse than current" } : { state: "succeeded", version: v2 },
        );
      }
      const [a, b] = await Promise.all([oracle.claimJobOutcomes("discord"), second.claimJobOutcomes("discord")]);
      const claimed = [...a, ...b].map((o) => o.jobId).sort((x, y) => x - y);
      expect(claimed).toEqual(tickets.map((t) => t.jobId));
      expect([...a, ...b].find((o) => o.jobId === tickets[1].jobId)).toEqual({
        jobId: tickets[1].jobId,
        state: "rejected",
        surface: "discord",
        channel: "ops",
        requestedBy: "admin1",
        version: v2,
        detail: "worse than current",
      });
      expect(await oracle.claimJobOutcomes("discord")).toEqual([]);
      expect(await second.claimJobOutcomes("slack")).toEqual([]);
      expect((await getJob(getDb(), cliJob.id))!.announcedAt).toBeNull();
      await expect(
        oracle.requestRetrain({ surface: "discord", requestedBy: "x", reason: "y".repeat(501) }),
      ).rejects.toThrow(UserError);
    } finally {
      await second.close();
      await other.close();
    }
  });

  it("describes the current model, suggests words and is ready", async () => {
    expect(await oracle.readiness()).toEqual({ ready: true, modelVersion: v1 });
    const model = await oracle.currentModel();
    expect(model).toMatchObject({ version: v1 });
    expect(model!.perplexity).toBeGreaterThan(1);
    expect(model!.kneserNeyPerplexity).toBeGreaterThan(1);
    expect(model!.vocabularySize).toBeGreaterThan(50);
    const words = await oracle.suggestWords("Th", 5);
    expect(words.length).toBeGreaterThan(0);
    expect(words.length).toBeLessThanOrEqual(5);
    expect(words.every((w) => w.startsWith("th"))).toBe(true);
    expect(words).toContain("the");
    const everything = await oracle.suggestWords("", 10_000);
    expect(everything).not.toContain("<break>");
    expect(everything).not.toContain(",");
  });

  it("switches to a promoted version and back on rollback while requests keep being answered", async () => {
    const { log } = capturedLog();
    const watching = createOracle({
      db: getDb(),
      config: oracleConfig(getDb(), { modelPollSeconds: 0.05, rateLimitPerMinute: 0 }),
      log,
    });
    try {
      await waitFor("ready", async () => (await watching.readiness()).ready);
      let stop = false;
      const versions: number[] = [];
      const traffic = (async () => {
        while (!stop)
          versions.push(
            ...(await watching.prophesy({}, { surface: "web", requestedBy: "load" })).map((p) => p.modelVersion),
          );
      })();
      await promote(getDb(), v2, "tester", "test");
      await waitFor("v2 served", () => versions.includes(v2));
      await rollback(getDb(), "tester");
      await waitFor("v1 served again", async () => versions.at(-1) === v1 && (await watching.readiness()).ready);
      stop = true;
      await traffic; // no request failed (it would reject here)
      expect(versions[0]).toBe(v1);
    } finally {
      await watching.close();
    }
  });

  it("keeps serving the previous version when a promoted one's weights cannot be loaded, and says why once", async () => {
    const { log, lines } = capturedLog();
    // Each check of the current version reads the newest promotion: counted, to know it looked again.
    const counted = countingCalls(getDb(), "promotion", "findFirst");
    const watching = createOracle({
      db: counted.db,
      config: oracleConfig(getDb(), { modelPollSeconds: 0.05, rateLimitPerMinute: 0 }),
      log,
    });
    try {
      await waitFor("ready", async () => (await watching.readiness()).ready);
      const bad = await corruptCopyOf(v2);
      await promote(getDb(), bad, "tester", "corrupt");
      const warning = await waitFor("the warning", () => lines.find((l) => l.level === 40 && l.version === bad));
      expect(warning.msg).toMatch(/cannot be loaded/);
      const [p] = await watching.prophesy({}, { surface: "web", requestedBy: "after" });
      expect(p.modelVersion).toBe(v1);
      expect(await watching.readiness()).toEqual({ ready: true, modelVersion: v1 });
      const checked = counted.calls();
      await waitFor("ten more checks", () => counted.calls() >= checked + 10);
      expect(lines.filter((l) => l.level === 40 && l.version === bad)).toHaveLength(1);
    } finally {
      await watching.close();
      await rollback(getDb(), "tester");
    }
  });

  async function clearProphecies() {
    await getDb().prisma.reaction.deleteMany();
    await getDb().prisma.prophecy.deleteMany();
  }

  /** A new version with v's data but truncated weights. */
  async function corruptCopyOf(v: number): Promise<number> {
    const r = (await getModelVersion(getDb(), v, { withWeights: true, withCorpusIds: true }))!;
    return createModelVersion(getDb(), {
      trainingStartedAt: r.trainingStartedAt,
      trainingFinishedAt: r.trainingFinishedAt,
      status: "accepted",
      topology: r.topology as object,
      weightSpecs: r.weightSpecs as object[],
      weights: r.weights!.slice(0, r.weights!.length / 2),
      vocabulary: r.vocabulary,
      casing: r.casing,
      hyperParams: r.hyperParams as object,
      corpusSha256: r.corpusSha256,
      corpusIds: r.corpusIds!,
      corpusDocuments: r.corpusDocuments,
      gloveSource: r.gloveSource,
      gloveCoverage: r.gloveCoverage,
      backend: r.backend,
      epochs: r.epochs,
      loss: r.loss,
      valLoss: r.valLoss,
      valAcc: r.valAcc,
    });
  }
});
