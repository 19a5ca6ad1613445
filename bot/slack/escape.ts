// Text we did not write (user input, and quatrains) goes into Slack messages through here.

// C0/C1 controls, DEL, and the bidirectional overrides that can reorder a message visually.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** Control characters as visible `\xNN`/`\uNNNN` escapes, then Slack's own `&`, `<`, `>` escaping. */
export function escapeSlack(text: string): string {
  return text
    .replace(UNSAFE, (c) => {
      const code = c.charCodeAt(0);
      return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
    })
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;");
}

/** Longer user text is cut before it is quoted back (Slack caps a section at 3000 characters). */
export function quote(text: string, max = 200): string {
  const cut = text.length > max ? `${text.slice(0, max)}…` : text;
  return escapeSlack(cut);
}
