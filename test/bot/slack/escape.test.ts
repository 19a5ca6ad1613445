import { describe, expect, it } from "vitest";
import { escapeSlack, quote } from "../../../bot/slack/escape.ts";

describe("escapeSlack", () => {
  it("escapes Slack's control characters &, < and >", () => {
    expect(escapeSlack("<@U123> & <!channel>")).toBe("&lt;@U123&gt; &amp; &lt;!channel&gt;");
  });

  it("shows control characters and direction overrides as visible escapes", () => {
    expect(escapeSlack("fire\u0001\u001b[31mblood\u0007\n")).toBe("fire\\x01\\x1b[31mblood\\x07\\n");
    expect(escapeSlack("a\u202eb\u0085")).toBe("a\\u202eb\\x85");
  });

  it("leaves ordinary text, accents and emoji alone", () => {
    expect(escapeSlack("Le grand Roy d'effrayeur · ✨")).toBe("Le grand Roy d'effrayeur · ✨");
  });

  it("cuts long quotes before escaping", () => {
    expect(quote("x".repeat(300), 10)).toBe(`${"x".repeat(10)}…`);
    expect(quote("<b>", 10)).toBe("&lt;b&gt;");
  });
});
