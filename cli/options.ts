import { InvalidArgumentError } from "commander";
import { parsePlainInteger } from "../config/text/numbers.ts";

/** Commander parser for whole-number flags ≥ 1, in plain digits (not "", "0x1" or "1e1"). */
export const positiveInt =
  (name: string) =>
  (raw: string): number => {
    const n = parsePlainInteger(raw);
    if (n === undefined || n < 1)
      throw new InvalidArgumentError(`${name} must be a whole number ≥ 1 in plain digits, e.g. 3.`);
    return n;
  };

/** Commander parser for any whole number, in plain digits with an optional minus. */
export const anyInt =
  (name: string) =>
  (raw: string): number => {
    const n = parsePlainInteger(raw);
    if (n === undefined) throw new InvalidArgumentError(`${name} must be a whole number in plain digits, e.g. 42.`);
    return n;
  };
