import { describe, expect, it } from "vitest";
import { buildCopyIndex, longestCopiedRun, seededRandom } from "../../../core/model/index.ts";

/** Reference: try every run of the sample against every document. */
function bruteForce(docs: number[][], sample: number[]): number {
  let best = 0;
  for (let i = 0; i < sample.length; i++) {
    for (let j = i + 1; j <= sample.length; j++) {
      const run = sample.slice(i, j).join(",");
      if (docs.some((d) => `,${d.join(",")},`.includes(`,${run},`))) best = Math.max(best, j - i);
    }
  }
  return best;
}

describe("longestCopiedRun", () => {
  const docs = [
    [1, 2, 3, 4, 5],
    [6, 7, 8],
    [2, 3, 9],
  ];
  const index = buildCopyIndex(docs);

  it("finds the longest run shared with the corpus", () => {
    expect(longestCopiedRun(index, [])).toBe(0);
    expect(longestCopiedRun(index, [10, 11])).toBe(0);
    expect(longestCopiedRun(index, [7])).toBe(1);
    expect(longestCopiedRun(index, [9, 1, 2, 3, 4, 10])).toBe(4);
    expect(longestCopiedRun(index, [2, 3, 9, 2, 3, 4, 5])).toBe(4);
    expect(longestCopiedRun(index, [1, 2, 3, 4, 5])).toBe(5);
  });

  it("does not count runs that span two documents", () => {
    expect(longestCopiedRun(index, [4, 5, 6, 7])).toBe(2);
  });

  it("agrees with brute force on random corpora and samples", () => {
    const random = seededRandom(5);
    const draw = (n: number) => Array.from({ length: n }, () => 1 + Math.floor(random() * 4));
    for (let trial = 0; trial < 200; trial++) {
      const corpus = Array.from({ length: 1 + Math.floor(random() * 4) }, () => draw(1 + Math.floor(random() * 12)));
      const sample = draw(Math.floor(random() * 15));
      expect(longestCopiedRun(buildCopyIndex(corpus), sample)).toBe(bruteForce(corpus, sample));
    }
  });
});
