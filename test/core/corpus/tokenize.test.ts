import { describe, expect, it } from "vitest";
import {
  BREAK_TOKEN,
  buildCasingTable,
  buildVocabulary,
  encodeDocuments,
  encodeTokens,
  formatQuatrain,
  readCorpus,
  tokenize,
  wordIndex,
} from "../../../core/corpus/index.ts";
import { testCorpusPath } from "../../helpers/paths.ts";

describe("tokenize", () => {
  it("lower-cases, drops the Keras filter characters and keeps apostrophes and hyphens in words", () => {
    expect(tokenize('A voice , fear: he trembles (in) the "tripod\'s" fleur-de-lis')).toEqual([
      "a",
      "voice",
      ",",
      "fear",
      "he",
      "trembles",
      "in",
      "the",
      "tripod's",
      "fleur-de-lis",
    ]);
  });

  it("splits sentence punctuation into one token per character, attached or not", () => {
    expect(tokenize("study; it is placed. Where?! ., end")).toEqual([
      "study",
      ";",
      "it",
      "is",
      "placed",
      ".",
      "where",
      "?",
      "!",
      ".",
      ",",
      "end",
    ]);
  });

  it("can never produce the break marker", () => {
    expect(tokenize(`x ${BREAK_TOKEN} y`)).not.toContain(BREAK_TOKEN);
  });
});

describe("vocabulary", () => {
  it("puts the break marker at 0, then words by descending count, ties by first appearance", () => {
    const vocab = buildVocabulary([
      ["b", "a", "b"],
      ["c", "a", "d", "b"],
    ]);
    expect(vocab.words).toEqual([BREAK_TOKEN, "b", "a", "c", "d"]);
    expect(vocab.counts).toEqual([2, 3, 2, 1, 1]);
    expect(encodeDocuments([["a", "d"]], vocab.words)).toEqual([[2, 4]]);
    expect(encodeTokens(["a", "zz", BREAK_TOKEN, "zz"], wordIndex(vocab.words))).toEqual({
      ids: [2],
      unknown: ["zz", BREAK_TOKEN],
    });
  });

  it("on the real corpus: 'the' is the most frequent word", async () => {
    const corpus = await readCorpus(testCorpusPath);
    const vocab = buildVocabulary(corpus.documents.map(tokenize));
    expect(vocab.words[1]).toBe("the");
    expect(vocab.words.length).toBeGreaterThan(4000);
    expect(new Set(vocab.words).size).toBe(vocab.words.length);
  });
});

describe("formatting round trip", () => {
  it("tokenize(formatQuatrain(tokens).text) gives back the tokens, for real quatrains and shuffled ones", async () => {
    const corpus = await readCorpus(testCorpusPath);
    const casing = buildCasingTable(corpus.documents);
    const docs = corpus.documents.slice(0, 120).map(tokenize);
    for (const tokens of docs) {
      expect(tokenize(formatQuatrain(tokens, casing).text)).toEqual(tokens);
    }
    // Sampled text is not corpus text: punctuation runs, leading punctuation, odd orders.
    const shuffled = [...docs[3]].reverse();
    for (const tokens of [shuffled, [",", "the", ".", ".", "king", "?"], ["ß-word", "o", "!"]]) {
      expect(tokenize(formatQuatrain(tokens, casing).text)).toEqual(tokens);
    }
  });
});
