import { endsSentence, surfaceTokens } from "./tokenize.ts";

/** Lower-case token → the surface form to print (e.g. `"ravenna" → "Ravenna"`, `"the" → "the"`). */
export type CasingTable = Record<string, string>;

/** How telling an occurrence's casing is, by the token before it. */
const enum Evidence {
  /** Mid-phrase: casing there is the word's own. */
  Strong = 0,
  /** After `,` or `;`: the translation often capitalises verse-line starts there ("…forsaken , When his…"). */
  Weak = 1,
  /** Quatrain or sentence start: capitalised whatever the word. */
  None = 2,
}

function evidenceAfter(previous: string | undefined): Evidence {
  if (previous === undefined || endsSentence(previous)) return Evidence.None;
  return previous === "," || previous === ";" ? Evidence.Weak : Evidence.Strong;
}

/** The most frequent form in `counts`, ties to the lower-case form; undefined when empty. */
function mostFrequent(lower: string, counts: Map<string, number> | undefined): string | undefined {
  if (!counts || counts.size === 0) return undefined;
  let best = lower;
  let bestCount = counts.get(lower) ?? 0;
  for (const [surface, count] of counts) {
    if (count > bestCount) [best, bestCount] = [surface, count];
  }
  return best;
}

/**
 * For each lower-case token, its most frequent surface form in the corpus, counted where casing
 * tells something: mid-phrase occurrences first; for words seen only after `,`/`;` (where the
 * translation capitalises verse-line starts), those; for words seen only at sentence starts, the
 * lower-case form (such words are mostly ordinary words). Ties go to the lower-case form.
 * Every token of the corpus has an entry.
 */
export function buildCasingTable(documents: readonly string[]): CasingTable {
  const forms = new Map<string, [Map<string, number>, Map<string, number>]>();
  for (const doc of documents) {
    let previous: string | undefined;
    for (const surface of surfaceTokens(doc)) {
      const lower = surface.toLowerCase();
      if (!forms.has(lower)) forms.set(lower, [new Map<string, number>(), new Map<string, number>()]);
      const evidence = evidenceAfter(previous);
      if (evidence !== Evidence.None) {
        const counts = forms.get(lower)![evidence];
        counts.set(surface, (counts.get(surface) ?? 0) + 1);
      }
      previous = surface;
    }
  }
  const table: CasingTable = {};
  for (const [lower, [strong, weak]] of forms) {
    table[lower] = mostFrequent(lower, strong) ?? mostFrequent(lower, weak) ?? lower;
  }
  return table;
}

/** The form to print for a token: its entry in the table, else the token itself. */
export function casedForm(token: string, casing: CasingTable): string {
  return Object.hasOwn(casing, token) ? casing[token] : token;
}
