import { InvalidArgumentError } from "commander";

/** Commander parser for whole-number flags, with a short error instead of NaN. */
export const positiveInt = (name: string) => (raw: string): number => {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be a whole number ≥ 1.`);
  return n;
};

export const anyInt = (name: string) => (raw: string): number => {
  const n = Number(raw);
  if (!Number.isSafeInteger(n)) throw new InvalidArgumentError(`${name} must be a whole number.`);
  return n;
};
