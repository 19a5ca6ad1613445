/**
 * The one list of English function words: articles, pronouns, prepositions, conjunctions,
 * auxiliaries and a few archaic forms of the translations (thee, hath). Every other word is a
 * content word for the quality figures; "one" and "great" are content words on purpose (the
 * loop "great one" is what the figures must catch).
 */
const FUNCTION_WORDS: ReadonlySet<string> = new Set(
  `a an the and or but nor so yet if then than as that this these those there here
  of in on at to from by with for into onto upon over under through against between among about
  after before during without within unto till until up down out off
  i me my mine we us our ours you your yours he him his she her hers it its they them their theirs
  thou thee thy thine ye itself himself herself themselves myself ourselves
  who whom whose which what when where while why how
  is are was were be been being am have has had having do does did doth hath
  will shall would should can could may might must not no all each both such very too
  shalt wilt art`.split(/\s+/),
);

/** True for a function word (lower-case token); punctuation is neither kind, the caller leaves it out. */
export function isFunctionWord(word: string): boolean {
  return FUNCTION_WORDS.has(word);
}
