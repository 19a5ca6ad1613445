// The statements of direct.ts, shared by the serving thread and the SQLite writer thread.

/** A parameter taken from an earlier statement's first returned row (a new row's id). */
export interface FromStep {
  fromStep: number;
  column: string;
}

export interface Statement {
  /** `$1`, `$2`… placeholders, both databases; `$n::timestamp` and `$n::jsonb` casts are for PostgreSQL (dropped for SQLite). */
  sql: string;
  /** Values, or a FromStep. */
  params: unknown[];
  /** The rows it must change, or the transaction is rolled back with an error (a row that is not there). */
  expectChanges?: number;
}

export interface StatementResult {
  /** Rows changed (INSERT/UPDATE/DELETE). */
  changes: number;
  /** Rows returned (RETURNING). */
  rows: Record<string, unknown>[];
}

/** `column` of the first row statement `step` (0-based) of the same run returned. */
export const fromStep = (step: number, column: string): FromStep => ({ fromStep: step, column });

const isFromStep = (p: unknown): p is FromStep =>
  typeof p === "object" && p !== null && "fromStep" in p && typeof (p as FromStep).fromStep === "number";

export function resolveParams(params: unknown[], before: StatementResult[]): unknown[] {
  return params.map((p) => (isFromStep(p) ? before[p.fromStep]?.rows[0]?.[p.column] : p));
}

export function checked(s: Statement, result: StatementResult): StatementResult {
  if (s.expectChanges !== undefined && result.changes !== s.expectChanges)
    throw new Error(`expected ${s.expectChanges} row(s) changed, got ${result.changes}: ${s.sql.slice(0, 60)}`);
  return result;
}
