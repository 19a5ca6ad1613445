/** Seeded, so random shapes are the same on every run. */
export { seededRandom } from "../../../core/model/random.ts";

export const randomInt = (rand: () => number, lo: number, hi: number): number =>
  lo + Math.floor(rand() * (hi - lo + 1));

export const randomFloats = (rand: () => number, n: number): Float32Array =>
  Float32Array.from({ length: n }, () => rand() * 2 - 1);

/** Largest absolute difference between two arrays of the same length. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
