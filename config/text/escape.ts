// The one way user text is quoted back in messages (CLI errors, and the bots' replies): control
// characters are shown escaped, so input can never drive a terminal or a chat client.

// C0 and C1 controls, DEL, and the bidirectional overrides/isolates that reorder what is shown.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

const escapeChar = (c: string): string => {
  const code = c.codePointAt(0)!;
  switch (c) {
    case "\n":
      return "\\n";
    case "\r":
      return "\\r";
    case "\t":
      return "\\t";
    default:
      return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
  }
};

/** `text` with every control character written as an escape (`\x1b`, `\n`, `\u202e`); nothing else changes. */
export function escapeControlCharacters(text: string): string {
  return text.replace(UNSAFE, escapeChar);
}

/**
 * User text as it should appear inside a message: in double quotes, backslashes and quotes escaped,
 * control characters escaped, and cut after `maxLength` characters (with "…").
 */
export function quoteUserText(text: string, options: { maxLength?: number } = {}): string {
  const max = options.maxLength ?? 200;
  const cut = [...text].length > max ? `${[...text].slice(0, max).join("")}…` : text;
  return `"${escapeControlCharacters(cut.replace(/\\/g, "\\\\").replace(/"/g, '\\"'))}"`;
}

/**
 * A list of user-supplied items for a message: the first `show` quoted, then "… and N more", so
 * 15,000 unknown words make one short line.
 */
export function quoteUserList(items: readonly string[], options: { show?: number; maxLength?: number } = {}): string {
  const show = options.show ?? 10;
  const shown = items.slice(0, show).map((item) => quoteUserText(item, { maxLength: options.maxLength ?? 40 }));
  const rest = items.length - shown.length;
  return rest > 0 ? `${shown.join(", ")} … and ${rest} more` : shown.join(", ");
}
