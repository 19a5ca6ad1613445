import { describe, expect, it } from "vitest";
import { classWeights, makeExamples, selectExamples } from "../../../core/model/index.ts";

describe("makeExamples", () => {
  it("pads each document with phraseLength break markers and predicts every token and the end marker", () => {
    const ex = makeExamples([[5, 6, 7], [8]], 2);
    expect(ex.count).toBe(4 + 2);
    const rows = Array.from({ length: ex.count }, (_, i) => [...ex.inputs.subarray(i * 2, i * 2 + 2)]);
    expect(rows).toEqual([
      [0, 0],
      [0, 5],
      [5, 6],
      [6, 7],
      [0, 0],
      [0, 8],
    ]);
    expect([...ex.targets]).toEqual([5, 6, 7, 0, 8, 0]);
  });

  it("selectExamples takes rows in the given order", () => {
    const ex = makeExamples([[5, 6, 7]], 2);
    const picked = selectExamples(ex, [2, 0]);
    expect([...picked.inputs]).toEqual([5, 6, 0, 0]);
    expect([...picked.targets]).toEqual([7, 5]);
    expect(picked.count).toBe(2);
  });
});

describe("classWeights", () => {
  it("is count^power, the break marker at the count-weighted mean weight of the words", () => {
    // (9·3 + 4·2 + 1·1) / (9 + 4 + 1) = 36 / 14
    expect([...classWeights([900, 9, 4, 1], 0.5)]).toEqual([Math.fround(36 / 14), 3, 2, 1]);
    expect([...classWeights([942, 9, 4, 1], 0)]).toEqual([1, 1, 1, 1]);
  });
});
