// The "Another one" button's custom id, apart from its handler so that building a message
// (messages.ts) does not import the handler that posts one (no import circle).

export const ANOTHER_ONE_PREFIX = "another-one:";

/**
 * The id names the prophecy the button sits under, so a click asks again with its temperature and
 * starting words (a custom id holds 100 characters; the words may not fit, the prophecy's id does).
 */
export const anotherOneId = (prophecyId: number) => `${ANOTHER_ONE_PREFIX}#${prophecyId}`;

/** What a click asks again for: the prophecy it sits under, or (buttons posted before) a temperature alone. */
export type AnotherOneTarget = { prophecyId: number } | { temperature: string };

export function parseAnotherOneId(customId: string): AnotherOneTarget | null {
  if (!customId.startsWith(ANOTHER_ONE_PREFIX)) return null;
  const rest = customId.slice(ANOTHER_ONE_PREFIX.length);
  const id = /^#(\d{1,10})$/.exec(rest);
  if (id) return { prophecyId: Number(id[1]) };
  return rest ? { temperature: rest } : null;
}
