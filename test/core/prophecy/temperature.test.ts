import { describe, expect, it } from "vitest";
import { UserError } from "../../../core/errors.ts";
import { parseTemperature } from "../../../core/prophecy/temperature.ts";

const bounds = { minTemperature: 0.1, maxTemperature: 2, defaultTemperature: 1 };

describe("parseTemperature", () => {
  it("uses the default when none is given", () => {
    for (const raw of [undefined, null]) expect(parseTemperature(raw, bounds)).toBe(1);
  });

  it("accepts numbers and numeric strings within bounds", () => {
    expect(parseTemperature("1.2", bounds)).toBe(1.2);
    expect(parseTemperature(0.1, bounds)).toBe(0.1);
    expect(parseTemperature(" 2 ", bounds)).toBe(2);
  });

  it("rejects what is not a number with the allowed range", () => {
    expect(() => parseTemperature("warm", bounds)).toThrow(UserError);
    expect(() => parseTemperature("warm", bounds)).toThrow(/between 0.1 and 2/);
    expect(() => parseTemperature("NaN", bounds)).toThrow(UserError);
  });

  it("rejects out-of-range values", () => {
    expect(() => parseTemperature("0.05", bounds)).toThrow(/got 0.05/);
    expect(() => parseTemperature(3, bounds)).toThrow(UserError);
  });

  it("takes plain decimals only: an empty value, hex or an exponent is refused, naming the accepted form", () => {
    for (const raw of ["", "  ", "0x1", "1e0", "Infinity", "1,2", "+1"]) {
      expect(() => parseTemperature(raw, bounds), raw).toThrow(
        /Temperature must be a number between 0.1 and 2, written as a plain decimal/,
      );
    }
    expect(parseTemperature(".5", bounds)).toBe(0.5);
    expect(parseTemperature("1.", bounds)).toBe(1);
  });

  it("quotes the input escaped", () => {
    expect(() => parseTemperature("hot\x1b[31m", bounds)).toThrow('not "hot\\x1b[31m"');
  });
});
