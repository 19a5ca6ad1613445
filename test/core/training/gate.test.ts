import { describe, expect, it } from "vitest";
import { promotionDecision } from "../../../core/training/gate.ts";

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
    const d = promotionDecision(3.6358, { version: 1, valLoss: 7.0175, corpusChange: "vocabulary 4512 → 34 words" }, 0.05);
    expect(d.promote).toBe(false);
    expect(d.reason).toMatch(/trained on another corpus than current v1 \(vocabulary 4512 → 34 words\)/);
    expect(d.reason).toMatch(/not comparable/);
    expect(d.reason).toMatch(/--allow-corpus-change/);
  });

  it("promotes a corpus change only when the request allows it explicitly, and says so", () => {
    const d = promotionDecision(9.9, { version: 1, valLoss: 5, corpusChange: "documents 941 → 900" }, { tolerance: 0.05, allowCorpusChange: true });
    expect(d.promote).toBe(true);
    expect(d.reason).toMatch(/^corpus change allowed explicitly \(--allow-corpus-change\): documents 941 → 900; losses not compared/);
    // The flag changes nothing when the corpus is the same, and a diverged run still never passes.
    expect(promotionDecision(5.3, { version: 3, valLoss: 5.2 }, { tolerance: 0.05, allowCorpusChange: true }).promote).toBe(false);
    expect(promotionDecision(NaN, { version: 1, valLoss: 5, corpusChange: "x" }, { tolerance: 1, allowCorpusChange: true }).promote).toBe(false);
  });
});
