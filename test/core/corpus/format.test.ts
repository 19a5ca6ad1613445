import { describe, expect, it } from "vitest";
import {
  buildCasingTable,
  endsSentence,
  formatQuatrain,
  readCorpus,
  surfaceTokens,
  tokenize,
} from "../../../core/corpus/index.ts";
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
    const tokens = tokenize(
      "the eye of ravenna will be forsaken , when his wings fail . the french will trample underfoot ; o city of the sun !",
    );
    const { text, lines } = formatQuatrain(tokens, casing);
    const flat = lines.join(" ");
    expect(flat).toContain("The eye of Ravenna");
    expect(flat).toContain("forsaken, When"); // the comma ends a line; the next one starts capitalised
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
    const afterPunctuation = corpus.documents
      .slice(0, 60)
      .flatMap((d) => formatQuatrain(tokenize(d), casing).lines.slice(0, 3))
      .filter((l) => /[.,;!?]$/.test(l)).length;
    expect(afterPunctuation / (60 * 3)).toBeGreaterThan(0.6);
  });

  it("capitalises every line's first word, as verse is printed", () => {
    const tokens = tokenize(
      "the great one of the blood will come by night in the sky of the west and the armies will cry for the king .",
    );
    const { lines, text } = formatQuatrain(tokens, casing);
    expect(lines.every((l) => /^\p{Lu}/u.test(l))).toBe(true);
    expect(tokenize(text)).toEqual(tokens);
    // Mid-phrase breaks avoid leaving an article or preposition at a line's end.
    for (const line of lines.slice(0, 3)) expect(line).not.toMatch(/\b(the|of|in|by|and|will)$/);
  });

  it("breaks where the corpus' own verse lines start (its capitalised common words mark them) in most quatrains", () => {
    let hits = 0;
    let total = 0;
    for (const doc of corpus.documents) {
      const surface = surfaceTokens(doc);
      // A verse start: a common word capitalised mid-sentence. Quatrains with three such marks only.
      const starts = surface.flatMap((t, i) =>
        i > 0 && /^\p{Lu}/u.test(t) && casing[t.toLowerCase()] === t.toLowerCase() && !endsSentence(surface[i - 1])
          ? [i]
          : [],
      );
      if (starts.length !== 3) continue;
      let at = 0;
      for (const line of formatQuatrain(tokenize(doc), casing).lines.slice(0, 3)) {
        at += tokenize(line).length;
        total++;
        if (starts.includes(at)) hits++;
      }
    }
    expect(total).toBeGreaterThan(900);
    expect(hits / total).toBeGreaterThan(0.7);
  });

  it("pads with empty lines when there are fewer than four words", () => {
    expect(formatQuatrain(["king", "."], casing).lines).toEqual(["King.", "", "", ""]);
    expect(formatQuatrain([], casing)).toEqual({ text: "", lines: ["", "", "", ""] });
  });
});
