// Text we did not write (user input, and quatrains) goes into Slack messages through here.
import { escapeControlCharacters } from "../../config/text/escape.ts";

/** Control characters as visible escapes (core's one rule), then Slack's own `&`, `<`, `>` escaping. */
export function escapeSlack(text: string): string {
  return escapeControlCharacters(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Longer user text is cut before it is quoted back (Slack caps a section at 3000 characters). */
export function quote(text: string, max = 200): string {
  const cut = text.length > max ? `${text.slice(0, max)}…` : text;
  return escapeSlack(cut);
}
