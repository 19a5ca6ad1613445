// Numbers as users type them: plain decimal only. Number() alone would also take "", "0x1", "1e1"
// and " 7 ", which then run with a value nobody asked for.

const INTEGER = /^-?\d+$/;
const DECIMAL = /^-?(\d+(\.\d*)?|\.\d+)$/;

/** The integer written in plain digits (an optional minus), or undefined for anything else. */
export function parsePlainInteger(raw: string): number | undefined {
  if (!INTEGER.test(raw)) return undefined;
  const n = Number(raw);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** The number written as a plain decimal (`1`, `0.8`, `.5`, `-2`), or undefined for anything else. */
export function parsePlainDecimal(raw: string): number | undefined {
  if (!DECIMAL.test(raw)) return undefined;
  const n = Number(raw);
  return Number.isFinite(n) ? n : undefined;
}
