import { describe, expect, it } from "vitest";
import { promotionDecision, qualityGate } from "../../../core/training/gate.ts";

describe("promotion gate", () => {
  it("promotes the first model", () => {
    expect(promotionDecision(6.1, null, 0.05)).toEqual({ promote: true, reason: "first model" });
  });

  it("promotes a better model and one worse by no more than the tolerance", () => {
    expect(promotionDecision(5.0, { version: 3, valLoss: 5.2 }, 0.05).promote).toBe(true);
    expect(promotionDecision(5.24, { version: 3, valLoss: 5.2 }, 0.05).promote).toBe(true);
  });

  it("rejects a model worse by more than the tolerance, saying why", () => {
    const d = promotionDecision(5.3, { version: 3, valLoss: 5.2 }, 0.05);
    expect(d.promote).toBe(false);
    expect(d.reason).toMatch(/worse than current v3/);
  });

  it("never promotes a diverged model", () => {
    expect(promotionDecision(NaN, null, 0.05).promote).toBe(false);
    expect(promotionDecision(Infinity, { version: 1, valLoss: 5 }, 100).promote).toBe(false);
  });

  it("never promotes on losses over another corpus or vocabulary, however much lower", () => {
    const d = promotionDecision(
      3.6358,
      { version: 1, valLoss: 7.0175, corpusChange: "vocabulary 4512 → 34 words" },
      0.05,
    );
    expect(d.promote).toBe(false);
    expect(d.reason).toMatch(/trained on another corpus than current v1 \(vocabulary 4512 → 34 words\)/);
    expect(d.reason).toMatch(/not comparable/);
    expect(d.reason).toMatch(/--allow-corpus-change/);
  });

  it("promotes a corpus change only when the request allows it explicitly, and says so", () => {
    const d = promotionDecision(
      9.9,
      { version: 1, valLoss: 5, corpusChange: "documents 941 → 900" },
      { tolerance: 0.05, allowCorpusChange: true },
    );
    expect(d.promote).toBe(true);
    expect(d.reason).toMatch(
      /^corpus change allowed explicitly \(--allow-corpus-change\): documents 941 → 900; losses not compared/,
    );
    // The flag changes nothing when the corpus is the same, and a diverged run still never passes.
    expect(
      promotionDecision(5.3, { version: 3, valLoss: 5.2 }, { tolerance: 0.05, allowCorpusChange: true }).promote,
    ).toBe(false);
    expect(
      promotionDecision(NaN, { version: 1, valLoss: 5, corpusChange: "x" }, { tolerance: 1, allowCorpusChange: true })
        .promote,
    ).toBe(false);
  });
});

describe("quality gate", () => {
  const corpusQuality = {
    quatrains: 900,
    immediateRepeat: 0,
    noTerminalEnd: 0.01,
    badPunctuation: 0.002,
    copiedMax: null,
    copiedMean: null,
    copiedWithinLimit: null,
    distinctBigramsPerQuatrain: 20,
    meanTokens: 36,
  };
  const good = {
    ...corpusQuality,
    temperature: 1,
    copiedMax: 6,
    copiedMean: 4,
    copiedWithinLimit: 0.99,
    noTerminalEnd: 0,
  };
  const bad = { ...good, temperature: 0.7, immediateRepeat: 0.47 };
  const passed = promotionDecision(5.0, { version: 3, valLoss: 5.2 }, 0.05);

  it("refuses a candidate the loss gate passes when its quatrains break the limits, with the reason", () => {
    const d = qualityGate(passed, { quality: [good, bad], corpusQuality }, true, { version: 3 });
    expect(d.promote).toBe(false);
    expect(d.reason).toBe(
      "quatrains break the quality limits: 47.0% of quatrains repeat a word at once at T=0.7 (corpus 0.0%)",
    );
  });

  it("lets good quatrains, a switched-off gate and no figures through; keeps a loss refusal; promotes a first model with a note", () => {
    expect(qualityGate(passed, { quality: [good], corpusQuality }, true, { version: 3 })).toEqual(passed);
    expect(qualityGate(passed, { quality: [bad], corpusQuality }, false, { version: 3 })).toEqual(passed);
    expect(qualityGate(passed, { quality: [], corpusQuality }, true, { version: 3 })).toEqual(passed);
    const refused = promotionDecision(5.3, { version: 3, valLoss: 5.2 }, 0.05);
    expect(qualityGate(refused, { quality: [bad], corpusQuality }, true, { version: 3 })).toEqual(refused);
    const first = qualityGate(promotionDecision(6, null, 0.05), { quality: [bad], corpusQuality }, true, null);
    expect(first.promote).toBe(true);
    expect(first.reason).toMatch(/^first model, although its quatrains break the quality limits: 47\.0%/);
  });
});
