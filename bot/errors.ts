import { describeError, RateLimitedError, shortError, userMessage } from "../core/errors.ts";
import type { Logger } from "../core/logger.ts";
import { ShuttingDownError } from "./tracker.ts";

/** What a user is told about an error, and the HTTP status that carries it. */
export interface PublicError {
  /**
   * user: a mistake the user can fix (400); busy: shed at once, ask again (503 + Retry-After);
   * unavailable: shutting down, the database or the model is out (503, the reason said); bug: logged,
   * answered with the apology (500).
   */
  kind: "user" | "busy" | "unavailable" | "bug";
  status: number;
  message: string;
  /** For whoever runs the oracle (a CLI user); chat surfaces do not show it. */
  hint?: string;
  /** Asking too fast: when to ask again (HTTP 429 with Retry-After). */
  retryAfterSeconds?: number;
}

/**
 * The one classification (describeError, core/errors.ts) turned into a reply: a UserError's own
 * message (400; 429 when asking too fast), "busy" or "unavailable" with the reason (503), anything
 * else the generic APOLOGY (500), never a stack or internal text.
 */
export function publicError(error: unknown): PublicError {
  if (error instanceof ShuttingDownError) return { kind: "unavailable", status: 503, message: error.message };
  if (error instanceof RateLimitedError)
    return { kind: "user", status: 429, message: error.message, retryAfterSeconds: error.retryAfterSeconds };
  const described = describeError(error);
  if (described.kind === "bug") return { kind: "bug", status: 500, message: userMessage(described) };
  return {
    kind: described.kind === "user" ? "user" : described.busy ? "busy" : "unavailable",
    status: described.kind === "user" ? 400 : 503,
    message: described.message,
    ...(described.hint ? { hint: described.hint } : {}),
  };
}

/**
 * Logs a failed request or command the one way: a bug with its stack; an unavailable database or
 * model as one short warning (the full error only at debug level, so a log line stays a line).
 */
export function logFailure(log: Logger, error: unknown, fields: Record<string, unknown>, message: string): PublicError {
  const answer = publicError(error);
  if (answer.kind === "bug") log.error({ ...fields, err: error }, message);
  else if (error instanceof ShuttingDownError) log.info({ ...fields, reason: answer.message }, message);
  else if (answer.kind === "user" || answer.kind === "busy") log.debug({ ...fields, reason: answer.message }, message);
  else if (answer.kind === "unavailable") {
    log.warn({ ...fields, reason: shortError(error) }, message);
    log.debug({ ...fields, err: error }, `${message} (detail)`);
  }
  return answer;
}
