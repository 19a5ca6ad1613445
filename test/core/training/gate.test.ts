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
});

describe("quality gate", () => {
  const corpusQuality = { quatrains: 900, immediateRepeat: 0, noTerminalEnd: 0.01, badPunctuation: 0.002, copiedMax: null, copiedMean: null, copiedWithinLimit: null, distinctBigramsPerQuatrain: 20, meanTokens: 36 };
  const good = { ...corpusQuality, temperature: 1, copiedMax: 6, copiedMean: 4, copiedWithinLimit: 0.99, noTerminalEnd: 0 };
  const bad = { ...good, temperature: 0.7, immediateRepeat: 0.47 };
  const passed = promotionDecision(5.0, { version: 3, valLoss: 5.2 }, 0.05);

  it("refuses a candidate the loss gate passes when its quatrains break the limits, with the reason", () => {
    const d = qualityGate(passed, { quality: [good, bad], corpusQuality }, true, { version: 3 });
    expect(d.promote).toBe(false);
    expect(d.reason).toBe("quatrains break the quality limits: 47.0% of quatrains repeat a word at once at T=0.7 (corpus 0.0%)");
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
