/**
 * The quality figures of sampled quatrains (issues: quatrains worth reacting to; quality figures
 * that catch loops), measured the same way on the corpus for comparison. Pure: quatrains are class
 * ids; the caller gives the vocabulary's words, which ids are punctuation, how long a run each
 * quatrain copies and which hit the length cap.
 *
 * Words: tokens that are not punctuation. Content words: words not on the function-word list
 * (function-words.ts). A phrase or a 3-word sequence: adjacent tokens that are all words
 * (punctuation between two words breaks it). Distinct bigrams skip punctuation instead: they
 * measure the variety of the wording, which a comma does not change.
 */
import { isFunctionWord } from "./function-words.ts";

/** How many of the samples' most used content words the over-use figure looks at. */
const TOP_CONTENT_WORDS = 10;
/** Distinct word bigrams are counted over the first this many of the quatrains, taken in order. */
export const DISTINCT_BIGRAM_WINDOW = 5000;

/** One content word's use: its share of the word tokens, beside its share of the corpus' word tokens. */
interface WordUse {
  word: string;
  rate: number;
  corpusRate: number;
  /** rate / corpusRate (a word the corpus lacks counts as used once there). */
  multiple: number;
}

/** The phrase (two adjacent words, at least one a content word) found in the most quatrains. */
interface PhraseUse {
  phrase: string;
  /** Share of the quatrains containing it. */
  share: number;
  /** Share of the corpus' quatrains containing it. */
  corpusShare: number;
}

export interface QualityFigures {
  /** Sampling temperature (absent for the corpus). */
  temperature?: number;
  quatrains: number;
  /** Share of quatrains with a word (not punctuation) repeated at once: "be be". */
  immediateRepeat: number;
  /** Share whose last token is not `.`, `!` or `?`. */
  noTerminalEnd: number;
  /** Share starting with punctuation or with two punctuation tokens in a row. */
  badPunctuation: number;
  /** Longest run of consecutive corpus words per quatrain: max, mean, and the share within the copy limit; null when not measured (the corpus itself). */
  copiedMax: number | null;
  copiedMean: number | null;
  copiedWithinLimit: number | null;
  /** Distinct bigrams over all the quatrains, per quatrain (higher: more varied). */
  distinctBigramsPerQuatrain: number;
  meanTokens: number;
  // The loop figures (issue 22). Stored evaluations from before them lack these fields.
  /** Word tokens (not punctuation) over all the quatrains. */
  wordTokens: number;
  /** The TOP_CONTENT_WORDS content words used most here, most used first, each against its corpus rate. */
  topWords: WordUse[];
  /** The one of topWords with the highest multiple of its corpus rate; null without content words. */
  overuse: WordUse | null;
  /** The phrase found in the most quatrains, beside its share in the corpus; null when there is none. */
  topPhrase: PhraseUse | null;
  /** Share of quatrains in which a 3-word sequence occurs twice (overlapping occurrences count). */
  repeatedTrigram: number;
  /** Share of quatrains using one content word 3 or more times. */
  contentWordThrice: number;
  /** Words per quatrain: mean, population standard deviation, smallest and largest. */
  wordCountMean: number;
  wordCountSd: number;
  wordCountMin: number;
  wordCountMax: number;
  /** Share of quatrains whose word count lies within the corpus' own range (its min..max). */
  inWordRange: number;
  /** Share of quatrains that hit the token cap; null when the caller did not say. */
  capped: number | null;
  /**
   * Distinct / all over the first DISTINCT_BIGRAM_WINDOW word bigrams (two words in a row within a
   * quatrain, punctuation between them left out), quatrain after quatrain.
   */
  distinctBigrams: number;
  /** How many bigrams that was: fewer than DISTINCT_BIGRAM_WINDOW when the quatrains have fewer (then the figure reads high). */
  distinctBigramsAt: number;
}

/**
 * What sampled quatrains are measured against, computed once from the corpus' own quatrains
 * (never hard-coded: another corpus has other ranges).
 */
interface CorpusProfile {
  quatrains: number;
  wordTokens: number;
  /** Uses of each word id. */
  wordCounts: ReadonlyMap<number, number>;
  /** In how many quatrains each phrase (key `a,b` of ids) occurs. */
  phraseQuatrains: ReadonlyMap<string, number>;
  wordCountMin: number;
  wordCountMax: number;
}

export interface QualityOptions {
  /** The vocabulary: class id → lower-case word (content words are told from function words by it). */
  words: readonly string[];
  punctuation: ReadonlySet<number>;
  terminal: ReadonlySet<number>;
  /** Longest copied run of a quatrain; omitted for the corpus (every run is a copy). */
  longestCopiedRun?: (ids: readonly number[]) => number;
  /** The copy limit (config sampling.maxCopiedWords). */
  maxCopiedWords: number;
  temperature?: number;
  /** The corpus' profile (corpusProfile); omitted, the quatrains are their own reference (the corpus' figures). */
  corpus?: CorpusProfile;
  /** Which quatrains hit the token cap, one flag per quatrain. */
  capped?: readonly boolean[];
  /** Or the cap as a length: a quatrain of at least this many tokens hit it. Neither given: `capped` is null. */
  tokenCap?: number;
  /** Default DISTINCT_BIGRAM_WINDOW. */
  bigramWindow?: number;
}

const phraseKey = (a: number, b: number) => `${a},${b}`;

/** Word count of a quatrain (punctuation left out). */
function wordCount(q: readonly number[], punctuation: ReadonlySet<number>): number {
  let n = 0;
  for (const id of q) if (!punctuation.has(id)) n++;
  return n;
}

/** The phrases of a quatrain, each once: adjacent words, at least one a content word. */
function phrasesOf(q: readonly number[], isWord: (id: number) => boolean, isContent: (id: number) => boolean) {
  const out = new Set<string>();
  for (let i = 1; i < q.length; i++) {
    const [a, b] = [q[i - 1], q[i]];
    if (isWord(a) && isWord(b) && (isContent(a) || isContent(b))) out.add(phraseKey(a, b));
  }
  return out;
}

function classify(opts: Pick<QualityOptions, "words" | "punctuation">) {
  const isWord = (id: number) => !opts.punctuation.has(id);
  const content = new Map<number, boolean>();
  const isContent = (id: number) => {
    let c = content.get(id);
    if (c === undefined) content.set(id, (c = isWord(id) && !isFunctionWord(opts.words[id] ?? "")));
    return c;
  };
  return { isWord, isContent };
}

/** The corpus' word and phrase counts and word-count range, the reference of every sampled figure. */
export function corpusProfile(
  documents: readonly (readonly number[])[],
  opts: Pick<QualityOptions, "words" | "punctuation">,
): CorpusProfile {
  const { isWord, isContent } = classify(opts);
  const wordCounts = new Map<number, number>();
  const phraseQuatrains = new Map<string, number>();
  let wordTokens = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const q of documents) {
    for (const id of q) {
      if (!isWord(id)) continue;
      wordTokens++;
      wordCounts.set(id, (wordCounts.get(id) ?? 0) + 1);
    }
    for (const p of phrasesOf(q, isWord, isContent)) phraseQuatrains.set(p, (phraseQuatrains.get(p) ?? 0) + 1);
    const n = wordCount(q, opts.punctuation);
    min = Math.min(min, n);
    max = Math.max(max, n);
  }
  return {
    quatrains: documents.length,
    wordTokens,
    wordCounts,
    phraseQuatrains,
    wordCountMin: documents.length ? min : NaN,
    wordCountMax: documents.length ? max : NaN,
  };
}

/** The figures over `quatrains` (class ids, no break markers); zero quatrains give NaN shares. */
export function qualityFigures(quatrains: readonly (readonly number[])[], opts: QualityOptions): QualityFigures {
  const n = quatrains.length;
  const corpus = opts.corpus ?? corpusProfile(quatrains, opts);
  const { isWord, isContent } = classify(opts);
  let repeat = 0;
  let noEnd = 0;
  let badPunct = 0;
  let tokens = 0;
  let trigramRepeats = 0;
  let thrice = 0;
  let inRange = 0;
  let cappedCount = 0;
  const runs: number[] = [];
  const bigrams = new Set<string>();
  const wordUses = new Map<number, number>();
  const phraseQuatrains = new Map<string, number>();
  const wordCounts: number[] = [];
  quatrains.forEach((q, index) => {
    tokens += q.length;
    let repeated = false;
    let bad = q.length > 0 && opts.punctuation.has(q[0]);
    for (let i = 1; i < q.length; i++) {
      const [a, b] = [q[i - 1], q[i]];
      if (a === b && !opts.punctuation.has(a)) repeated = true;
      if (opts.punctuation.has(a) && opts.punctuation.has(b)) bad = true;
      bigrams.add(phraseKey(a, b));
    }
    if (repeated) repeat++;
    if (bad) badPunct++;
    if (q.length === 0 || !opts.terminal.has(q[q.length - 1])) noEnd++;
    if (opts.longestCopiedRun) runs.push(opts.longestCopiedRun(q));

    // Loop figures.
    const own = new Map<number, number>();
    for (const id of q) {
      if (!isWord(id)) continue;
      wordUses.set(id, (wordUses.get(id) ?? 0) + 1);
      own.set(id, (own.get(id) ?? 0) + 1);
    }
    if ([...own].some(([id, c]) => c >= 3 && isContent(id))) thrice++;
    const seen = new Set<string>();
    let twice = false;
    for (let i = 2; i < q.length && !twice; i++) {
      if (!isWord(q[i - 2]) || !isWord(q[i - 1]) || !isWord(q[i])) continue;
      const key = `${q[i - 2]},${q[i - 1]},${q[i]}`;
      if (seen.has(key)) twice = true;
      seen.add(key);
    }
    if (twice) trigramRepeats++;
    for (const p of phrasesOf(q, isWord, isContent)) phraseQuatrains.set(p, (phraseQuatrains.get(p) ?? 0) + 1);
    const words = wordCount(q, opts.punctuation);
    wordCounts.push(words);
    if (words >= corpus.wordCountMin && words <= corpus.wordCountMax) inRange++;
    if (opts.capped ? opts.capped[index] : opts.tokenCap !== undefined && q.length >= opts.tokenCap) cappedCount++;
  });
  const share = (k: number) => (n ? k / n : NaN);
  const wordTokens = [...wordUses.values()].reduce((a, b) => a + b, 0);

  // Over-use: the most used content words (ties: alphabetical), each against its corpus rate.
  const word = (id: number) => opts.words[id] ?? `#${id}`;
  const topWords: WordUse[] = [...wordUses]
    .filter(([id]) => isContent(id))
    .sort(([a, ca], [b, cb]) => cb - ca || word(a).localeCompare(word(b)))
    .slice(0, TOP_CONTENT_WORDS)
    .map(([id, count]) => {
      const rate = count / wordTokens;
      const corpusRate = (corpus.wordCounts.get(id) ?? 0) / corpus.wordTokens;
      return { word: word(id), rate, corpusRate, multiple: rate / Math.max(corpusRate, 1 / corpus.wordTokens) };
    });
  const overuse = topWords.reduce<WordUse | null>((w, x) => (w === null || x.multiple > w.multiple ? x : w), null);

  // The phrase in the most quatrains (ties: alphabetical).
  const phraseText = (key: string) => key.split(",").map(Number).map(word).join(" ");
  let top: [string, number] | null = null;
  for (const [key, count] of phraseQuatrains) {
    if (!top || count > top[1] || (count === top[1] && phraseText(key) < phraseText(top[0]))) top = [key, count];
  }
  const topPhrase: PhraseUse | null = top && {
    phrase: phraseText(top[0]),
    share: top[1] / n,
    corpusShare: (corpus.phraseQuatrains.get(top[0]) ?? 0) / corpus.quatrains,
  };

  // Distinct word bigrams over the first DISTINCT_BIGRAM_WINDOW of them, quatrain after quatrain.
  const limit = opts.bigramWindow ?? DISTINCT_BIGRAM_WINDOW;
  const window = new Set<string>();
  let at = 0;
  outer: for (const q of quatrains) {
    let previous: number | undefined;
    for (const id of q) {
      if (!isWord(id)) continue;
      if (previous !== undefined) {
        if (at === limit) break outer;
        window.add(phraseKey(previous, id));
        at++;
      }
      previous = id;
    }
  }

  const mean = share(wordCounts.reduce((a, b) => a + b, 0));
  const sd = n ? Math.sqrt(wordCounts.reduce((s, c) => s + (c - mean) ** 2, 0) / n) : NaN;
  return {
    ...(opts.temperature === undefined ? {} : { temperature: opts.temperature }),
    quatrains: n,
    immediateRepeat: share(repeat),
    noTerminalEnd: share(noEnd),
    badPunctuation: share(badPunct),
    copiedMax: runs.length ? Math.max(...runs) : null,
    copiedMean: runs.length ? runs.reduce((a, b) => a + b, 0) / runs.length : null,
    copiedWithinLimit: runs.length ? runs.filter((r) => r <= opts.maxCopiedWords).length / runs.length : null,
    distinctBigramsPerQuatrain: share(bigrams.size),
    meanTokens: share(tokens),
    wordTokens,
    topWords,
    overuse,
    topPhrase,
    repeatedTrigram: share(trigramRepeats),
    contentWordThrice: share(thrice),
    wordCountMean: mean,
    wordCountSd: sd,
    wordCountMin: n ? Math.min(...wordCounts) : NaN,
    wordCountMax: n ? Math.max(...wordCounts) : NaN,
    inWordRange: share(inRange),
    capped: opts.capped || opts.tokenCap !== undefined ? share(cappedCount) : null,
    distinctBigrams: at ? window.size / at : NaN,
    distinctBigramsAt: at,
  };
}
