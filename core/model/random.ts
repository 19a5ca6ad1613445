import seedrandom from "seedrandom";

/** A uniform random number generator on [0, 1). */
export type RandomSource = () => number;

/** A seeded generator (seedrandom's Alea): the same seed gives the same sequence on every platform. */
export function seededRandom(seed: number | string): RandomSource {
  const rng = seedrandom.alea(String(seed));
  return () => rng();
}

/** Fisher–Yates shuffle in place; returns the array. */
export function shuffleInPlace<T extends { length: number; [i: number]: number }>(array: T, random: RandomSource): T {
  for (let i = array.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = array[i];
    array[i] = array[j];
    array[j] = t;
  }
  return array;
}
