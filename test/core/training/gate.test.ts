import { describe, expect, it } from "vitest";
import { promotionDecision, qualityGate } from "../../../core/training/gate.ts";
import { goodFigures, loopingFigures } from "../../helpers/quality-figures.ts";
import type { QualityFigures } from "../../../core/eval/index.ts";

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
  const corpusQuality = goodFigures({});
  const good = goodFigures({ temperature: 1 });
  const goodCool = goodFigures({ temperature: 0.7 });
  const looping = loopingFigures({ temperature: 1 });
  const passed = promotionDecision(5.0, { version: 3, valLoss: 5.2 }, 0.05);

  it("refuses a looping candidate the loss gate passes, naming each broken limit beside the corpus' value", () => {
    const d = qualityGate(passed, { quality: [goodCool, looping], corpusQuality }, true, { version: 3 });
    expect(d.promote).toBe(false);
    expect(d.reason).toMatch(/^quatrains break the quality limits: use of a top-10 content word/);
    expect(d.reason).toContain('at T=1: 6.0× "army" (limit ≤ 2.0×; corpus 1.0×)');
    expect(d.reason).toContain(
      'quatrains containing the most used phrase at T=1: 47.0% "great one" (limit ≤ 10.0%; corpus 4.9%)',
    );
    expect(d.reason).toContain("distinct bigrams at 5,000 at T=1: 0.32 (limit ≥ 0.65; corpus 0.79)");
    expect(d.reason.match(/\(limit /g)).toHaveLength(7); // the seven loop figures at T=1; T=0.7 keeps them
  });

  it("refuses a candidate within the limits but clearly worse than the current version's stored figures", () => {
    const current = { version: 3, quality: [good, goodCool] };
    const worse = goodFigures({ temperature: 1, distinctBigrams: 0.7 });
    const d = qualityGate(passed, { quality: [goodCool, worse], corpusQuality }, true, current);
    expect(d).toEqual({
      promote: false,
      reason:
        "quatrains clearly worse than current v3's: distinct bigrams at 5,000 at T=1: 0.70 (v3 had 0.79: worse by more than 0.05)",
    });
    // Not compared across corpora, nor against a version stored before the figures existed.
    expect(
      qualityGate(passed, { quality: [worse], corpusQuality }, true, {
        ...current,
        corpusChange: "documents 941 → 900",
      }),
    ).toEqual(passed);
    expect(
      qualityGate(passed, { quality: [worse], corpusQuality }, true, {
        version: 3,
        quality: [{ temperature: 1, quatrains: 100 }],
      }),
    ).toEqual(passed);
  });

  const overusing = (multiple: number, more: Partial<QualityFigures> = {}) =>
    goodFigures({
      temperature: 1,
      overuse: { word: "army", rate: 0.01 * multiple, corpusRate: 0.01, multiple },
      ...more,
    });

  it("does not refuse on a limit the current version breaks too, unless the candidate is clearly worse on it", () => {
    // Current v3 over-uses "army" 4× at T=1 (limit 2×): a candidate at 4.2× is no worse, and refusing it would keep v3 for ever.
    const current = { version: 3, quality: [goodCool, overusing(4)] };
    const same = overusing(4.2);
    const d = qualityGate(passed, { quality: [goodCool, same], corpusQuality }, true, current);
    expect(d.promote).toBe(true);
    expect(d.reason).toMatch(
      /^validation loss .*; limits current v3 breaks too \(not a refusal on their own\): use of a top-10/,
    );
    // Clearly worse on it (4× → 6×, margin 0.5×): refused.
    const worse = qualityGate(passed, { quality: [goodCool, overusing(6)], corpusQuality }, true, current);
    expect(worse.promote).toBe(false);
    expect(worse.reason).toMatch(/^quatrains clearly worse than current v3's: use of a top-10 content word/);
    // A limit only the candidate breaks still refuses.
    const other = overusing(4.2, { capped: 0.03 });
    const o = qualityGate(passed, { quality: [goodCool, other], corpusQuality }, true, current);
    expect(o.promote).toBe(false);
    expect(o.reason).toMatch(
      /^quatrains break the quality limits: cut off at the token cap at T=1: 3.0% \(limit ≤ 2.0%; corpus 0.0%\); limits current v3 breaks too/,
    );
  });

  it("passes a good candidate, and one as good as the current version", () => {
    expect(qualityGate(passed, { quality: [goodCool, good], corpusQuality }, true, { version: 3 })).toEqual(passed);
    expect(
      qualityGate(passed, { quality: [goodCool, good], corpusQuality }, true, {
        version: 3,
        quality: [goodCool, good],
      }),
    ).toEqual(passed);
  });

  it("lets a switched-off gate and no figures through; keeps a loss refusal; promotes a first model with a note", () => {
    expect(qualityGate(passed, { quality: [looping], corpusQuality }, false, { version: 3 })).toEqual(passed);
    expect(qualityGate(passed, { quality: [], corpusQuality }, true, { version: 3 })).toEqual(passed);
    const refused = promotionDecision(5.3, { version: 3, valLoss: 5.2 }, 0.05);
    expect(qualityGate(refused, { quality: [looping], corpusQuality }, true, { version: 3 })).toEqual(refused);
    const first = qualityGate(promotionDecision(6, null, 0.05), { quality: [looping], corpusQuality }, true, null);
    expect(first.promote).toBe(true);
    expect(first.reason).toMatch(/^first model, although its quatrains break the quality limits: use of a top-10/);
  });
});
