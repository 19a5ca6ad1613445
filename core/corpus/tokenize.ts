/**
 * Tokenisation as the seed's Keras `Tokenizer` does it: lower-case, drop the characters of its
 * filter list (`"#$%&()*+/:<=>@[\]^_\`{|}~` and tabs/newlines), split on whitespace. Apostrophes
 * and hyphens stay inside words (`tripod's`, `fleur-de-lis`).
 *
 * One addition: the sentence punctuation `. , ; ! ?` is split off into tokens of one character each.
 * The corpus already writes it space-separated, so this changes nothing there, but it makes
 * `tokenize(formatQuatrain(tokens).text)` give back `tokens`, where punctuation is re-attached.
 */

/** The quatrain break marker: vocabulary index 0. Contains filtered characters, so no text can produce it. */
export const BREAK_TOKEN = "<break>";
/** Class id of the break marker: the one definition (vocabulary, examples, sampling, stored corpus ids). */
export const BREAK_ID = 0;

/** Characters the seed's Keras Tokenizer filters out (replaced by a space). */
const FILTERED = /["#$%&()*+/:<=>@[\\\]^_`{|}~\t\r\n]/g;
/** Punctuation that becomes a token of its own. */
const PUNCTUATION = /([.,;!?])/g;

/** Tokens of one line with their original casing (for the casing table). */
export function surfaceTokens(line: string): string[] {
  return line
    .replace(FILTERED, " ")
    .replace(PUNCTUATION, " $1 ")
    .split(/\s+/)
    .filter((t) => t.length > 0);
}

/** Lower-case tokens of one line (one document). */
export function tokenize(line: string): string[] {
  return surfaceTokens(line).map((t) => t.toLowerCase());
}

/** True for tokens that attach to the previous word when formatting (`.`, `,`, …). */
export function isPunctuation(token: string): boolean {
  return /^[.,;:!?]+$/.test(token);
}

/** True for tokens that end a sentence, so the next word is capitalised. */
export function endsSentence(token: string): boolean {
  return /^[.!?]+$/.test(token);
}
