// The serving core's contract: what every surface (CLI, Discord, Slack, web) calls.
// `createOracle(...)` in core/oracle/oracle.ts implements it; surfaces only translate input and output.
import type { JobState } from "../db/jobs.ts";
import type { ProphecyQuery } from "../db/prophecies.ts";
import type { ReactionEventInput } from "../db/reactions.ts";
import type { Surface } from "../surface.ts";
import type { ChatCommandRecord, ChatCommands } from "./commands.ts";
import type { Admission } from "./in-flight.ts";
import type { OracleOperations } from "./operations.ts";

export type { Admission, ChatCommandRecord };

// Defined in core/surface.ts so core/db can use them without importing this file.
export { SURFACES, type Surface } from "../surface.ts";

/** Who asked, and where the answer will live. */
export interface RequestContext {
  surface: Surface;
  /** Platform user id (Discord/Slack), web client address, or the CLI user. */
  requestedBy: string;
  /** Channel (Discord channel id, Slack channel id), when there is one. */
  channel?: string | null;
}

/** What the user asked for, as text or numbers from the transport; parsed and checked by core/prophecy. */
export interface ProphecyAsk {
  temperature?: string | number | null;
  /** Words the quatrain starts with. */
  about?: string | null;
  count?: number;
  /** Makes the draw reproducible. */
  seed?: number;
}

/** A stored prophecy, as every surface shows it. */
export interface StoredProphecy {
  id: number;
  createdAt: Date;
  text: string;
  lines: [string, string, string, string];
  temperature: number;
  about: string | null;
  /** The seed that reproduces exactly this quatrain. */
  seed: number | null;
  modelVersion: number;
  longestCopied: number;
  surface: Surface;
  requestedBy: string | null;
  channel: string | null;
  /** Platform message that carries it (Discord message id, Slack message ts), once posted. */
  messageRef: string | null;
  /** Count per emoji (present reactions only). */
  reactions: Record<string, number>;
  reactionCount: number;
}

/** Sort, filters and paging of the history: the repository's own query (core/db/prophecies.ts). */
export type HistoryQuery = ProphecyQuery;

export interface HistoryPage {
  prophecies: StoredProphecy[];
  nextCursor: string | null;
}

/** A reaction event from a chat platform, as the repository applies it (core/db/reactions.ts). */
export type ReactionEvent = ReactionEventInput;

/** The current model as surfaces describe it. */
export interface ModelSummary {
  version: number;
  trainedAt: Date;
  valLoss: number;
  perplexity: number | null;
  kneserNeyPerplexity: number | null;
  vocabularySize: number;
}

export interface RetrainRequest extends RequestContext {
  reason: string;
  epochs?: number;
  /** The chat command (see `commands`) this answers: finished in the same step as the job is queued. */
  commandId?: number;
}

/** How a surface hands work it already holds to the core. */
export interface ProphesyOptions {
  /** A place in the in-flight limit the surface took earlier (it releases it); else one is taken here. */
  admission?: Admission;
  /** The chat command this answers: tied to its prophecy in the transaction that records it. */
  commandId?: number;
}

export interface RetrainTicket {
  jobId: number;
  state: JobState;
}

/** A finished job whose requester has not been told yet (claimed by exactly one bot process). */
export interface JobOutcome {
  jobId: number;
  state: JobState;
  surface: Surface;
  channel: string | null;
  requestedBy: string;
  /** The version it produced (accepted or rejected), if any. */
  version: number | null;
  /** Rejection reason or error, for the channel. */
  detail: string | null;
}

export type Readiness = { ready: true; modelVersion: number } | { ready: false; reason: string };

/** The serving core; the registry operations (models, runs, promote, roll back) come from operations.ts. */
export interface Oracle extends OracleOperations {
  /**
   * A place in the one in-flight limit (BOT_MAX_IN_FLIGHT) shared by every surface, or null when it
   * is full: the surface then answers "busy" its own way and writes nothing. prophesy() takes one
   * itself when given none (and throws BusyError when full).
   */
  admit(): Admission | null;
  /**
   * Checks an ask as prophesy() would (temperature, count, the starting words against the current
   * model), drawing and writing nothing: a UserError (or UnavailableError) when it would be refused.
   */
  checkAsk(ask: ProphecyAsk): Promise<void>;
  /**
   * Samples, records and returns fresh quatrains: a UserError for bad input, no model yet, or the
   * rate limit; BusyError past the in-flight limit; UnavailableError when the database or the model is out.
   */
  prophesy(ask: ProphecyAsk, ctx: RequestContext, options?: ProphesyOptions): Promise<StoredProphecy[]>;
  /**
   * Records which platform message carries a prophecy, so its reactions can be logged; with
   * `commandId`, the chat command is finished in the same step.
   */
  attachMessage(
    prophecyId: number,
    messageRef: string,
    channel?: string | null,
    options?: { commandId?: number },
  ): Promise<void>;
  /** Applies a reaction once: a retry or an older event than the one stored changes nothing. Returns false for messages that are not prophecies. */
  recordReaction(event: ReactionEvent): Promise<boolean>;
  history(query?: HistoryQuery): Promise<HistoryPage>;
  getProphecy(id: number): Promise<StoredProphecy | null>;
  currentModel(): Promise<ModelSummary | null>;
  /** Words of the current model's vocabulary starting with `prefix`, for autocomplete. */
  suggestWords(prefix: string, limit?: number): Promise<string[]>;
  requestRetrain(request: RetrainRequest): Promise<RetrainTicket>;
  /** Finished retrain jobs asked from `surface` that nobody has announced yet; each is returned to one caller only. */
  claimJobOutcomes(surface: Surface): Promise<JobOutcome[]>;
  /**
   * True the first time `key` (a signed request's signature, an interaction or event id) is seen by
   * any bot process sharing the database within `ttlSeconds`; false for a replay, which must run nothing.
   */
  firstSeen(key: string, ttlSeconds: number): Promise<boolean>;
  /** Forgets `key`: its request failed before doing anything, so a retry must run. */
  forgetSeen(key: string): Promise<void>;
  /** Chat commands written before they are acknowledged, and finished after a crash. */
  commands: ChatCommands;
  /** The database present, readable and writable, and a model loaded; otherwise why not. */
  readiness(): Promise<Readiness>;
  /** The database's last known problem (cached, no waiting), or null: what every request is gated on. */
  databaseProblem(): string | null;
  close(): Promise<void>;
}
