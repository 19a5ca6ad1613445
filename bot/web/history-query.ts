// The history's query parameters, shared by GET /api/prophecies and the /history page: one schema
// (schemas.ts: Fastify validates it, 400 naming the parameter) and one translation into the core's query.
import { UserError } from "../../core/errors.ts";
import type { HistoryQuery } from "../../core/oracle/types.ts";
import type { HistoryParams } from "./schemas.ts";

export type { HistoryParams };

const DAY_MS = 86_400_000;

/** `from` is inclusive; a date-only `to` means the end of that day (UTC). */
function parseDate(name: "from" | "to", text: string): Date {
  const dateOnly = text.length === 10;
  const date = new Date(dateOnly ? `${text}T00:00:00Z` : /(Z|[+-]\d{2}:\d{2})$/.test(text) ? text : `${text}Z`);
  if (Number.isNaN(date.getTime()) || (dateOnly && date.toISOString().slice(0, 10) !== text)) {
    throw new UserError(`${name} "${text}" is not a date (YYYY-MM-DD or an ISO 8601 time).`);
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
    throw new UserError("minTemperature must not exceed maxTemperature.");
  }
  if (params.from) query.from = parseDate("from", params.from);
  if (params.to) query.to = parseDate("to", params.to);
  if (params.q !== undefined && params.q.trim() !== "") query.q = params.q;
  return query;
}
