import { describe, expect, it } from "vitest";
import { buildCasingTable, formatQuatrain, readCorpus, tokenize } from "../../../core/corpus/index.ts";
import { testCorpusPath } from "../../helpers/paths.ts";

const corpus = await readCorpus(testCorpusPath);
const casing = buildCasingTable(corpus.documents);

describe("casing table", () => {
  it("restores proper names and keeps common words lower-case", () => {
    expect(casing["ravenna"]).toBe("Ravenna");
    expect(casing["french"]).toBe("French");
    expect(casing["the"]).toBe("the");
    expect(casing["when"]).toBe("when"); // capitalised at verse-line starts, lower-case mid-phrase
  });

  it("ignores sentence-initial capitals", () => {
    const table = buildCasingTable(["The cat . The dog sees the cat", "Paris is far . We saw Paris"]);
    expect(table["the"]).toBe("the");
    expect(table["paris"]).toBe("Paris");
    expect(table["we"]).toBe("we");
  });
});

describe("formatQuatrain", () => {
  it("capitalises sentence starts, restores names and re-attaches punctuation", () => {
    const tokens = tokenize("the eye of ravenna will be forsaken , when his wings fail . the french will trample underfoot ; o city of the sun !");
    const { text, lines } = formatQuatrain(tokens, casing);
    const flat = lines.join(" ");
    expect(flat).toContain("The eye of Ravenna");
    expect(flat).toContain("forsaken, when");
    expect(flat).toContain("fail. The French");
    expect(flat).toContain("O city of the Sun!");
    expect(text).not.toMatch(/\s[.,;!?]/);
    expect(lines).toHaveLength(4);
    expect(text.split("\n")).toEqual(lines.filter((l) => l.length > 0));
  });

  it("gives four non-empty lines of similar length, preferring breaks after punctuation", () => {
    for (const doc of corpus.documents.slice(0, 60)) {
      const { lines } = formatQuatrain(tokenize(doc), casing);
      expect(lines.every((l) => l.length > 0)).toBe(true);
      const longest = Math.max(...lines.map((l) => l.length));
      const total = lines.reduce((n, l) => n + l.length, 0);
      expect(longest).toBeLessThan(total * 0.6);
    }
    const { lines } = formatQuatrain(tokenize(corpus.documents[0]), casing);
    expect(lines[0].endsWith(";")).toBe(true);
    expect(lines[1].endsWith(".")).toBe(true);
    const afterPunctuation = corpus.documents.slice(0, 60)
      .flatMap((d) => formatQuatrain(tokenize(d), casing).lines.slice(0, 3))
      .filter((l) => /[.,;!?]$/.test(l)).length;
    expect(afterPunctuation / (60 * 3)).toBeGreaterThan(0.6);
  });

  it("pads with empty lines when there are fewer than four words", () => {
    expect(formatQuatrain(["king", "."], casing).lines).toEqual(["King.", "", "", ""]);
    expect(formatQuatrain([], casing)).toEqual({ text: "", lines: ["", "", "", ""] });
  });
});
