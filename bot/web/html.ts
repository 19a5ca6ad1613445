// The one escaping helper: every value interpolated into an `html` template is escaped, unless it
// is itself the result of `html` (already safe markup). User text can only reach a page through it.
// Control characters are first written as the terminal shows them (core's one rule: `\x1b`, `\x00`).
import { escapeControlCharacters } from "../../config/text/escape.ts";

export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => ESCAPES[c]);

type Value = SafeHtml | string | number | boolean | null | undefined | readonly Value[];

function render(value: Value): string {
  if (value === null || value === undefined || value === false) return "";
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join("");
  return escapeHtml(escapeControlCharacters(String(value)));
}

/** Tagged template: `html\`<p>${userText}</p>\`` escapes userText; arrays are joined; null/false render nothing. */
export function html(strings: TemplateStringsArray, ...values: Value[]): SafeHtml {
  let out = strings[0];
  values.forEach((value, i) => {
    out += render(value) + strings[i + 1];
  });
  return new SafeHtml(out);
}
