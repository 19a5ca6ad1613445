// The one set of limits on what people type, checked by the serving core and stated by every
// surface (web schemas, Discord option lengths, Slack, the CLI's flags), so no surface takes what
// another refuses.
import { UserError } from "./errors.ts";

export const LIMITS = {
  /** Why a retrain, promotion or rollback was asked for. */
  reason: 500,
  /** Who asked (an admin's name on the web, `--by` in the CLI). */
  name: 80,
  /** Epochs one retrain may ask for. */
  epochs: 10_000,
  /** A reaction's emoji name (Slack short names, Discord name:id, unicode sequences). */
  emoji: 100,
  /** The words a quatrain starts with. */
  about: 200,
} as const;

/** Text a person typed, checked against its limit; NUL is refused (PostgreSQL cannot store it). */
function checkText(what: string, text: string, max: number): string {
  if (text.length > max) throw new UserError(`The ${what} must be at most ${max} characters (got ${text.length}).`);
  if (text.includes("\u0000")) throw new UserError(`The ${what} must not contain a NUL character.`);
  return text;
}

export const checkReason = (reason: string): string => checkText("reason", reason, LIMITS.reason);
export const checkName = (name: string): string => checkText("name", name, LIMITS.name);
export const checkAbout = (about: string): string => checkText("starting words", about, LIMITS.about);
export const checkEmoji = (emoji: string): string => checkText("emoji name", emoji, LIMITS.emoji);

export function checkEpochs(epochs: number | undefined): number | undefined {
  if (epochs === undefined) return undefined;
  if (!Number.isInteger(epochs) || epochs < 1)
    throw new UserError(`The number of epochs must be a whole number of at least 1 (got ${epochs}).`);
  if (epochs > LIMITS.epochs)
    throw new UserError(`The number of epochs must be at most ${LIMITS.epochs} (got ${epochs}).`);
  return epochs;
}
