import { UserError } from "../errors.ts";
import { quoteUserText } from "../../config/text/escape.ts";
import { parsePlainDecimal } from "../../config/text/numbers.ts";

export interface TemperatureBounds {
  minTemperature: number;
  maxTemperature: number;
  defaultTemperature: number;
}

/**
 * Turns what a user typed (CLI flag, slash-command option, query string) into a temperature.
 * Missing (undefined or null) → the default; anything but a plain decimal number in bounds (an empty
 * string included) → a UserError that states the range and the accepted form.
 */
export function parseTemperature(raw: string | number | undefined | null, bounds: TemperatureBounds): number {
  if (raw === undefined || raw === null) return bounds.defaultTemperature;
  const range = `between ${bounds.minTemperature} and ${bounds.maxTemperature}`;
  const value = typeof raw === "number" ? raw : parsePlainDecimal(raw.trim());
  if (value === undefined || !Number.isFinite(value)) {
    throw new UserError(
      `Temperature must be a number ${range}, written as a plain decimal (e.g. 1.2), not ${quoteUserText(String(raw), { maxLength: 40 })}.`,
    );
  }
  if (value < bounds.minTemperature || value > bounds.maxTemperature) {
    throw new UserError(`Temperature must be ${range}; got ${value}.`);
  }
  return value;
}
