import { BREAK_ID, BREAK_TOKEN } from "./tokenize.ts";

/** The model's classes: index 0 is the break marker, then words by descending frequency. */
export interface Vocabulary {
  /** `words[id]` is the token of class `id`; `words[0] === BREAK_TOKEN`. */
  words: string[];
  /** `counts[id]`: occurrences in the corpus; `counts[0]` is the number of documents (one end marker each). */
  counts: number[];
}

/**
 * Builds the vocabulary like Keras' Tokenizer: by descending count, ties in order of first
 * appearance, shifted by one so that index 0 is free for the break marker.
 */
export function buildVocabulary(tokenizedDocs: readonly (readonly string[])[]): Vocabulary {
  const counts = new Map<string, number>();
  for (const doc of tokenizedDocs) {
    for (const token of doc) counts.set(token, (counts.get(token) ?? 0) + 1);
  }
  // Map iteration order is first appearance and Array.prototype.sort is stable.
  const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1]);
  return {
    words: [BREAK_TOKEN, ...ranked.map(([word]) => word)],
    counts: [tokenizedDocs.length, ...ranked.map(([, count]) => count)],
  };
}

/** token → class id. */
export function wordIndex(words: readonly string[]): Map<string, number> {
  return new Map(words.map((word, id) => [word, id]));
}

/** Class ids of tokens; tokens outside the vocabulary are listed in `unknown` (each once) and skipped. */
export function encodeTokens(
  tokens: readonly string[],
  index: ReadonlyMap<string, number>,
): { ids: number[]; unknown: string[] } {
  const ids: number[] = [];
  const unknown = new Set<string>();
  for (const token of tokens) {
    const id = index.get(token);
    if (id === undefined || id === BREAK_ID) unknown.add(token);
    else ids.push(id);
  }
  return { ids, unknown: [...unknown] };
}

/** Class ids of every document; every token must be in the vocabulary (it was built from them). */
export function encodeDocuments(tokenizedDocs: readonly (readonly string[])[], words: readonly string[]): number[][] {
  const index = wordIndex(words);
  return tokenizedDocs.map((doc) =>
    doc.map((token) => {
      const id = index.get(token);
      if (id === undefined) throw new Error(`token "${token}" is not in the vocabulary`);
      return id;
    }),
  );
}
