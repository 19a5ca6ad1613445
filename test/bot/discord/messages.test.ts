// What the bot posts: quatrains as four escaped lines, history with links, nobody pinged.
import { describe, expect, it } from "vitest";
import type { StoredProphecy } from "../../../core/oracle/types.ts";
import { historyMessage, outcomeMessage, prophecyMessage, quote, showEmoji } from "../../../bot/discord/messages.ts";

const prophecy = (over: Partial<StoredProphecy> = {}): StoredProphecy => ({
  id: 7,
  createdAt: new Date(),
  text: "",
  lines: ["The *great* king", "@everyone shall _fall_", "from ~~Rome~~", "in `fire`"],
  temperature: 1.2,
  about: "the great",
  seed: 1,
  modelVersion: 3,
  longestCopied: 2,
  surface: "discord",
  requestedBy: "1",
  channel: "2",
  messageRef: null,
  reactions: { "🔥": 2, "oracle_eye:123456789012345678": 1, thumbsup: 4 },
  reactionCount: 7,
  ...over,
});

describe("Discord messages", () => {
  it("quoted text shows control characters escaped, as the CLI does", () => {
    expect(quote("fire\u001b[31mblood\u0007")).not.toMatch(/[\u0000-\u001f]/);
    expect(quote("fire\u001b[31mblood\u0007")).toContain("x1b");
  });

  it("a quatrain: four markdown-escaped lines, version and temperature in the footer, no mentions", () => {
    const m = prophecyMessage(prophecy());
    const lines = m.embeds![0].description!.split("\n");
    expect(lines).toHaveLength(4);
    expect(lines[0]).toBe("The \\*great\\* king");
    expect(lines[1]).not.toMatch(/^@everyone/);
    expect(m.embeds![0].footer!.text).toBe('model v3 · temperature 1.2 · about "the great" · #7');
    expect(m.allowed_mentions).toEqual({ parse: [] });
  });

  it("history: counts per emoji, links to the web page when PUBLIC_URL is set", () => {
    const withUrl = historyMessage([prophecy()], {
      top: true,
      page: 1,
      hasMore: true,
      publicUrl: "https://oracle.example/",
    });
    const d = withUrl.embeds![0].description!;
    expect(d).toMatch(/\[#7\]\(https:\/\/oracle\.example\/p\/7\)/);
    expect(d).toMatch(/:thumbsup: 4 {2}🔥 2 {2}<:oracle_eye:123456789012345678> 1/);
    expect(d).toMatch(/\(https:\/\/oracle\.example\/history\?sort=reactions\)$/);
    expect(withUrl.embeds![0].footer!.text).toBe("more: /history top:True page:2");
    const without = historyMessage([prophecy()], { top: false, page: 1, hasMore: false });
    expect(without.embeds![0].description).not.toMatch(/https?:/);
    expect(without.flags).toBe(64);
  });

  it("emoji: custom as <:name:id>, short names as :name:, unicode as itself", () => {
    expect(showEmoji("oracle_eye:123456789012345678")).toBe("<:oracle_eye:123456789012345678>");
    expect(showEmoji("thumbsup")).toBe(":thumbsup:");
    expect(showEmoji("🔥")).toBe("🔥");
  });

  it("a job's end: live, rejected with the reason (escaped), failed", () => {
    const base = { jobId: 4, surface: "discord" as const, channel: "2", requestedBy: "99", version: 5, detail: null };
    expect(outcomeMessage({ ...base, state: "succeeded" }).content).toMatch(/model v5 is live/);
    expect(outcomeMessage({ ...base, state: "rejected", detail: "loss *worse*" }).content).toMatch(
      /rejected: loss \\\*worse\\\*/,
    );
    expect(outcomeMessage({ ...base, state: "failed", detail: "out of memory" }).content).toMatch(
      /failed: out of memory/,
    );
    expect(outcomeMessage({ ...base, state: "failed" }).allowed_mentions).toEqual({ parse: [] });
  });
});
