import { describe, expect, it } from "vitest";
import { copyStatistics, summariseCopiedRuns } from "../../../core/eval/copy-stats.ts";

describe("copy statistics", () => {
  it("takes the mean and maximum longest copied run over the samples", async () => {
    const quatrains = [["a", "b"], ["c", "d", "e", "f"], ["g"]];
    const seen: number[] = [];
    const stats = await copyStatistics({
      count: 3,
      sample: async (i) => {
        seen.push(i);
        return quatrains[i];
      },
      longestCopiedRun: (q) => q.length,
    });
    expect(seen).toEqual([0, 1, 2]);
    expect(stats).toEqual({ samples: 3, meanLongestCopied: 7 / 3, maxLongestCopied: 4 });
  });

  it("reports zeros when evaluation samples are switched off", async () => {
    expect(await copyStatistics({ count: 0, sample: () => [], longestCopiedRun: () => 1 })).toEqual({
      samples: 0,
      meanLongestCopied: 0,
      maxLongestCopied: 0,
    });
  });

  it("rejects negative counts and runs", async () => {
    await expect(copyStatistics({ count: -1, sample: () => 0, longestCopiedRun: () => 0 })).rejects.toThrow(RangeError);
    expect(() => summariseCopiedRuns([1, -2])).toThrow(RangeError);
  });
});
