// The writes every request makes (its replay key, its chat command, its prophecy and the message
// that carries it) go to the driver with prepared statements instead of through Prisma: under load,
// Prisma's query compiler and adapter cost the event loop 0.3–0.7 ms a query, half the bot's main
// thread at 100 requests/s (bench/results/2026-12-05-profile-*.txt); the driver costs a few tens of µs.
// Same tables and the same stored formats as Prisma's, so everything else reads them through Prisma.
//
// SQLite: a second connection to the same file. Its transactions are synchronous (no await inside),
// so it never holds the write lock while the event loop runs; it does not wait on a lock either
// (busy timeout 0: waiting would block the event loop that must finish the holder's transaction,
// Prisma's in this process), a busy database is tried again on a timer until the busy timeout.
// PostgreSQL: the pool Prisma's adapter uses (see client.ts), so one set of connections.
import Database from "better-sqlite3";
import type { Pool } from "pg";
import { SQLITE_BUSY_TIMEOUT_MS } from "./migrate-sqlite.ts";

export interface Statement {
  /** `$1`, `$2`… placeholders, both databases; `$n::timestamp` and `$n::jsonb` casts are for PostgreSQL (dropped for SQLite). */
  sql: string;
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

/** A statement, or one made from the results of those before it (a new row's id). */
export type Step = Statement | ((before: StatementResult[]) => Statement);

export interface Direct {
  /** Runs the statements in order, in one transaction when there are several; every result, in order. */
  run(...steps: Step[]): Promise<StatementResult[]>;
  /** A date as the database stores it (what `$n::timestamp` takes). */
  timestamp(date: Date): string;
  close(): Promise<void>;
}

const CASTS = /::(timestamp|jsonb)\b/g;

function checked(s: Statement, result: StatementResult): StatementResult {
  if (s.expectChanges !== undefined && result.changes !== s.expectChanges)
    throw new Error(`expected ${s.expectChanges} row(s) changed, got ${result.changes}: ${s.sql.slice(0, 60)}`);
  return result;
}

const statementOf = (step: Step, before: StatementResult[]) => (typeof step === "function" ? step(before) : step);

const isBusy = (error: unknown) => /^SQLITE_(BUSY|LOCKED)/.test(String((error as { code?: unknown }).code));

export function sqliteDirect(file: string): Direct {
  const connection = new Database(file, { timeout: 0 });
  connection.pragma("foreign_keys = ON");
  const prepared = new Map<string, { statement: Database.Statement; order: (params: unknown[]) => unknown[] }>();
  const prepare = (s: Statement) => {
    let p = prepared.get(s.sql);
    if (!p) {
      // SQLite's `?` in order of appearance, each taking the parameter its `$n` names.
      const sql = s.sql.replace(CASTS, "");
      const numbers = [...sql.matchAll(/\$(\d+)/g)].map((m) => Number(m[1]) - 1);
      p = {
        statement: connection.prepare(sql.replace(/\$\d+/g, "?")),
        order: (params) => numbers.map((i) => params[i]),
      };
      prepared.set(s.sql, p);
    }
    return p;
  };
  const once = (s: Statement): StatementResult => {
    const { statement, order } = prepare(s);
    const params = order(s.params);
    const result: StatementResult = statement.reader
      ? { changes: 0, rows: statement.all(...params) as Record<string, unknown>[] }
      : { changes: statement.run(...params).changes, rows: [] };
    if (statement.reader) result.changes = result.rows.length;
    return checked(s, result);
  };
  const inOrder = (steps: Step[]) => {
    const results: StatementResult[] = [];
    for (const step of steps) results.push(once(statementOf(step, results)));
    return results;
  };
  const all = connection.transaction(inOrder);

  return {
    async run(...steps) {
      const deadline = Date.now() + SQLITE_BUSY_TIMEOUT_MS;
      for (let wait = 1; ; wait = Math.min(wait * 2, 50)) {
        try {
          return steps.length === 1 ? inOrder(steps) : all.immediate(steps);
        } catch (error) {
          if (!isBusy(error) || Date.now() + wait > deadline) throw error;
        }
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    },
    // Prisma's SQLite format (ISO 8601 with an explicit offset), compared as text in queries.
    timestamp: (date) => date.toISOString().replace("Z", "+00:00"),
    close: () => Promise.resolve(void connection.close()),
  };
}

export function postgresDirect(pool: Pool): Direct {
  const query = async (client: Pick<Pool, "query">, s: Statement): Promise<StatementResult> => {
    const r = await client.query({ text: s.sql, values: s.params });
    return checked(s, { changes: r.rowCount ?? 0, rows: r.rows as Record<string, unknown>[] });
  };
  return {
    async run(...steps) {
      if (steps.length === 1) return [await query(pool, statementOf(steps[0], []))];
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        const results: StatementResult[] = [];
        for (const step of steps) results.push(await query(client, statementOf(step, results)));
        await client.query("COMMIT");
        return results;
      } catch (error) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    // Prisma's columns are `timestamp(3)` without a zone, holding UTC: the ISO text without its "Z".
    timestamp: (date) => date.toISOString().replace("Z", ""),
    // Prisma's disconnect ends the pool when it had connected; otherwise it is ended here.
    close: async () => {
      if (!pool.ending) await pool.end();
    },
  };
}
