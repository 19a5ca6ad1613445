// The history's query parameters, shared by GET /api/prophecies and the /history page: one JSON
// schema (Fastify validates it, 400 naming the parameter) and one translation into the core's query.
import { UserError } from "../../core/errors.ts";
import { SURFACES, type HistoryQuery } from "../../core/oracle/types.ts";

export interface HistoryParams {
  cursor?: string;
  limit?: number;
  surface?: (typeof SURFACES)[number];
  model?: number;
  minTemperature?: number;
  maxTemperature?: number;
  from?: string;
  to?: string;
  q?: string;
  sort?: "new" | "reactions";
}

const DATE = "^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,3})?)?(Z|[+-]\\d{2}:\\d{2})?)?$";

export function historyQuerySchema(maxLimit: number) {
  return {
    type: "object",
    properties: {
      cursor: { type: "string", minLength: 1, maxLength: 40, pattern: "^[a-z0-9.]+$" },
      limit: { type: "integer", minimum: 1, maximum: maxLimit },
      surface: { type: "string", enum: [...SURFACES] },
      model: { type: "integer", minimum: 1 },
      minTemperature: { type: "number", minimum: 0, maximum: 100 },
      maxTemperature: { type: "number", minimum: 0, maximum: 100 },
      from: { type: "string", pattern: DATE },
      to: { type: "string", pattern: DATE },
      // Must hold a word: letters or digits.
      q: { type: "string", maxLength: 200, pattern: "[\\p{L}\\p{N}]" },
      sort: { type: "string", enum: ["new", "reactions"] },
    },
    additionalProperties: false,
  } as const;
}

/** What each filter takes, in words: shown beside the filter on the /history page when it is not that. */
export const FILTER_RULES: Record<keyof HistoryParams, string> = {
  cursor: "This page link is broken; start again from the newest.",
  limit: "Write a whole number from 1 to the page limit.",
  surface: "Choose one of the listed surfaces.",
  model: "Write a model version: a whole number, 1 or more.",
  minTemperature: "Write a number from 0 to 100, such as 0.8.",
  maxTemperature: "Write a number from 0 to 100, such as 1.5.",
  from: "Write a date as YYYY-MM-DD, such as 2026-01-31.",
  to: "Write a date as YYYY-MM-DD, such as 2026-01-31.",
  q: "Write at least one word (letters or digits), at most 200 characters.",
  sort: "Choose newest or most reactions.",
};

/** A filter the core cannot use, with the parameter it concerns (the page shows it beside that filter). */
export class FilterError extends UserError {
  constructor(
    readonly field: keyof HistoryParams,
    message: string,
  ) {
    super(message);
  }
}

const DAY_MS = 86_400_000;

/** `from` is inclusive; a date-only `to` means the end of that day (UTC). */
function parseDate(name: "from" | "to", text: string): Date {
  const dateOnly = text.length === 10;
  const date = new Date(dateOnly ? `${text}T00:00:00Z` : /(Z|[+-]\d{2}:\d{2})$/.test(text) ? text : `${text}Z`);
  if (Number.isNaN(date.getTime()) || (dateOnly && date.toISOString().slice(0, 10) !== text)) {
    throw new FilterError(name, `${name} "${text}" is not a date (YYYY-MM-DD or an ISO 8601 time).`);
  }
  return name === "to" && dateOnly ? new Date(date.getTime() + DAY_MS) : date;
}

export function toHistoryQuery(params: HistoryParams, defaultLimit: number): HistoryQuery {
  const query: HistoryQuery = {
    sort: params.sort ?? "new",
    limit: params.limit ?? defaultLimit,
    cursor: params.cursor ?? null,
  };
  if (params.surface) query.surface = params.surface;
  if (params.model !== undefined) query.modelVersion = params.model;
  if (params.minTemperature !== undefined) query.minTemperature = params.minTemperature;
  if (params.maxTemperature !== undefined) query.maxTemperature = params.maxTemperature;
  if (
    query.minTemperature !== undefined &&
    query.maxTemperature !== undefined &&
    query.minTemperature > query.maxTemperature
  ) {
    throw new FilterError("maxTemperature", "minTemperature must not exceed maxTemperature.");
  }
  if (params.from) query.from = parseDate("from", params.from);
  if (params.to) query.to = parseDate("to", params.to);
  if (params.q !== undefined && params.q.trim() !== "") query.q = params.q;
  return query;
}
