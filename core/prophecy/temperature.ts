import { UserError } from "../errors.ts";

export interface TemperatureBounds {
  minTemperature: number;
  maxTemperature: number;
  defaultTemperature: number;
}

/**
 * Turns what a user typed (CLI flag, slash-command option, query string) into a temperature.
 * Missing → the default; not a number or out of bounds → a UserError that states the range.
 */
export function parseTemperature(raw: string | number | undefined | null, bounds: TemperatureBounds): number {
  if (raw === undefined || raw === null || (typeof raw === "string" && raw.trim() === "")) {
    return bounds.defaultTemperature;
  }
  const range = `between ${bounds.minTemperature} and ${bounds.maxTemperature}`;
  const value = typeof raw === "number" ? raw : Number(raw.trim());
  if (!Number.isFinite(value)) {
    throw new UserError(`Temperature must be a number ${range}, not "${raw}".`);
  }
  if (value < bounds.minTemperature || value > bounds.maxTemperature) {
    throw new UserError(`Temperature must be ${range}; got ${value}.`);
  }
  return value;
}
