// Pure parser of `/prophecy` text: no Slack, no oracle. The core checks the temperature's range
// and the words; this only sorts the free text into what the user meant. A number is what the
// one rule (config/text/numbers.ts) reads as one, so Slack never accepts what the core refuses.
import { parsePlainDecimal } from "../../config/text/numbers.ts";

export type ProphecyCommand =
  | { kind: "prophecy"; temperature: string | null; about: string | null }
  | { kind: "help" }
  | { kind: "history"; sort: "new" | "reactions" }
  | { kind: "invalid"; problem: string };

export const PROPHECY_USAGE = [
  "*Usage:* `/prophecy [temperature] [words…]`, in any order:",
  "• `/prophecy` — a quatrain at the default temperature",
  "• `/prophecy 1.2`, `/prophecy t=1.2`, `/prophecy temperature:1.2`, `/prophecy temperature=1.2` — hotter is wilder",
  "• `/prophecy about:fire and blood` or `/prophecy fire and blood 0.8` — the first words of the quatrain",
  "• `/prophecy history` — recent prophecies · `/prophecy top` — the most reacted · `/prophecy help` — this text",
].join("\n");

const KEYWORDS: Record<string, ProphecyCommand> = {
  help: { kind: "help" },
  history: { kind: "history", sort: "new" },
  top: { kind: "history", sort: "reactions" },
};
const TEMPERATURE_KEYS = new Set(["t", "temp", "temperature"]);
const OPTION = /^([a-z]+)[:=](.*)$/i;
const isNumber = (token: string) => parsePlainDecimal(token) !== undefined;
/** Looks like it was meant as a number, but is not a plain decimal one (1e1, 0x1, 1.2.3, 1,2). */
const NUMBERISH = /^[+-]?\.?\d[\d.,_+\-eExXa-fA-F]*$/;
const QUOTES = /^["'“”‘’«»]+|["'“”‘’«»]+$/g;

/** Slack sends `&`, `<` and `>` escaped in command text; users meant the characters. */
export function unescapeSlack(text: string): string {
  return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

export function parseProphecyText(raw: string): ProphecyCommand {
  const tokens = unescapeSlack(raw).trim().split(/\s+/).filter(Boolean);
  if (tokens.length === 1) {
    const keyword = KEYWORDS[tokens[0].toLowerCase()];
    if (keyword) return keyword;
  }
  let temperature: string | null = null;
  const words: string[] = [];
  const setTemperature = (value: string, given: string): string | null => {
    if (temperature !== null) return `The temperature is given twice (${temperature} and ${given}).`;
    if (!isNumber(value)) return `The temperature must be a plain number such as 1.2; got "${given}".`;
    temperature = value;
    return null;
  };
  for (const token of tokens) {
    const option = OPTION.exec(token);
    if (option) {
      const key = option[1].toLowerCase();
      const value = option[2];
      if (TEMPERATURE_KEYS.has(key)) {
        const problem = setTemperature(value, token);
        if (problem) return { kind: "invalid", problem };
      } else if (key === "about") {
        const word = value.replace(QUOTES, "");
        if (!word) return { kind: "invalid", problem: "`about:` needs words right after it, e.g. `about:fire`." };
        words.push(word);
      } else {
        return { kind: "invalid", problem: `Unknown option "${key}" (known: temperature, t, about).` };
      }
    } else if (isNumber(token)) {
      const problem = setTemperature(token, token);
      if (problem) return { kind: "invalid", problem };
    } else if (NUMBERISH.test(token)) {
      return { kind: "invalid", problem: `"${token}" is not a plain number: write a temperature such as 1.2.` };
    } else {
      const word = token.replace(QUOTES, "");
      if (word) words.push(word);
    }
  }
  return { kind: "prophecy", temperature, about: words.length ? words.join(" ") : null };
}
