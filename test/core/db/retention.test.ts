import { describe, expect, it } from "vitest";
import { versionsToDrop } from "../../../core/db/retention.ts";

const versions = (n: number, without: number[] = []) =>
  Array.from({ length: n }, (_, i) => ({ version: i + 1, hasWeights: !without.includes(i + 1) }));

describe("retention rule", () => {
  it("drops all but the newest N, sparing every version ever current", () => {
    expect(versionsToDrop(versions(8), new Set([2, 5]), 3)).toEqual([1, 3, 4]);
  });

  it("never drops the current version even when it is old", () => {
    expect(versionsToDrop(versions(6), new Set([1]), 1)).toEqual([2, 3, 4, 5]);
  });

  it("skips versions whose weights are already gone and keeps everything when there are few", () => {
    expect(versionsToDrop(versions(6, [1, 2]), new Set(), 2)).toEqual([3, 4]);
    expect(versionsToDrop(versions(3), new Set(), 10)).toEqual([]);
  });
});
