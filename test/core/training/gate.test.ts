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
});
