import { describe, expect, it } from "vitest";
import { escapeControlCharacters, quoteUserList, quoteUserText } from "../../../config/text/escape.ts";

describe("quoteUserText", () => {
  it("shows control characters escaped, so quoted input cannot drive a terminal", () => {
    const quoted = quoteUserText("fire\x01\x1b[31mblood\x07");
    expect(quoted).toBe('"fire\\x01\\x1b[31mblood\\x07"');
    expect(quoted).not.toMatch(/[\x00-\x1f\x7f]/);
  });

  it("escapes line breaks, DEL, C1 controls and bidi overrides; leaves other text alone", () => {
    expect(escapeControlCharacters("a\nb\rc\td\x7fe\x9bf\u202eg")).toBe("a\\nb\\rc\\td\\x7fe\\x9bf\\u202eg");
    expect(escapeControlCharacters("Né à Salon, l'an 1503 — « prophète »")).toBe(
      "Né à Salon, l'an 1503 — « prophète »",
    );
  });

  it("escapes quotes and backslashes and cuts long text", () => {
    expect(quoteUserText('say "hi" \\o/')).toBe('"say \\"hi\\" \\\\o/"');
    expect(quoteUserText("x".repeat(500), { maxLength: 10 })).toBe(`"${"x".repeat(10)}…"`);
  });
});

describe("quoteUserList", () => {
  it("lists a few items and says how many more", () => {
    const words = Array.from({ length: 15_000 }, (_, i) => `word${i}`);
    const list = quoteUserList(words);
    expect(list).toMatch(/^"word0", "word1", .*"word9" … and 14990 more$/);
    expect(list.length).toBeLessThan(200);
    expect(quoteUserList(["a", "b"])).toBe('"a", "b"');
  });
});
