// The writes every request makes (its replay key, its chat command, its prophecy and the message
// that carries it) and a version's blobs go to the driver with prepared statements instead of through
// Prisma: under load, Prisma's query compiler and adapter cost the event loop 0.3–0.7 ms a query,
// half the bot's main thread at 100 requests/s; the driver costs a few tens of µs. Same tables and
// the same stored formats as Prisma's, so everything else reads them through Prisma.
//
// SQLite: a writer thread with its own connection to the same file (sqlite-writer.ts). A commit
// waits for its fsync (synchronous=FULL: what is acknowledged survives a power cut), 0.1–0.3 ms that
// blocked the event loop once per write; on the thread it blocks only that thread, and a write that
// meets another connection's open transaction waits there too.
// PostgreSQL: the pool Prisma's adapter uses (see client.ts), so one set of connections.
import type { Worker } from "node:worker_threads";
import type { Pool } from "pg";
import { startTsWorker } from "../tf/parallel/ts-worker.ts";
import type { WriterReply, WriterRequest } from "./sqlite-writer.ts";
import { checked, resolveParams, type Statement, type StatementResult } from "./statements.ts";

export { fromStep, type Statement } from "./statements.ts";

export interface Direct {
  /** Runs the statements in order, in one transaction when there are several; every result, in order. */
  run(...statements: Statement[]): Promise<StatementResult[]>;
  /** A date as the database stores it (what `$n::timestamp` takes). */
  timestamp(date: Date): string;
  close(): Promise<void>;
}

/** An error of the writer thread, with the driver's code (SQLITE_READONLY…) as the driver gives it. */
class SqliteWriteError extends Error {
  override name = "SqliteError";
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

export function sqliteDirect(file: string): Direct {
  let worker: Worker | undefined;
  const pending = new Map<number, { resolve: (r: StatementResult[]) => void; reject: (e: Error) => void }>();
  let nextId = 0;
  let closing: Promise<void> | undefined;

  const failAll = (error: Error) => {
    for (const p of pending.values()) p.reject(error);
    pending.clear();
    worker = undefined; // the next write starts a new thread
  };
  // Started on the first write: a process that never writes (a CLI read) starts no thread.
  const writer = () => {
    if (worker) return worker;
    const w = startTsWorker(new URL("./sqlite-writer.ts", import.meta.url), { file });
    w.unref();
    w.on("message", (m: WriterReply) => {
      const p = pending.get(m.id);
      pending.delete(m.id);
      if (pending.size === 0) w.unref();
      if ("results" in m) p?.resolve(m.results);
      else p?.reject(new SqliteWriteError(m.error.message, m.error.code));
    });
    w.on("error", (error: Error) => failAll(error));
    w.on("exit", (code) => {
      if (worker === w) failAll(new Error(`the SQLite writer thread exited with code ${code}`));
    });
    worker = w;
    return w;
  };
  const send = (request: Omit<WriterRequest, "id">) =>
    new Promise<StatementResult[]>((resolve, reject) => {
      const w = writer();
      const id = nextId++;
      if (pending.size === 0) w.ref();
      pending.set(id, { resolve, reject });
      w.postMessage({ ...request, id });
    });

  return {
    run: (...statements) => send({ statements }),
    // Prisma's SQLite format (ISO 8601 with an explicit offset), compared as text in queries.
    timestamp: (date) => date.toISOString().replace("Z", "+00:00"),
    close() {
      const w = worker;
      if (!w) return Promise.resolve();
      closing ??= send({ close: true }).then(
        () => undefined,
        () => undefined,
      );
      return closing.then(async () => {
        worker = undefined;
        await w.terminate();
      });
    },
  };
}

export function postgresDirect(pool: Pool): Direct {
  const query = async (
    client: Pick<Pool, "query">,
    s: Statement,
    before: StatementResult[],
  ): Promise<StatementResult> => {
    const r = await client.query({ text: s.sql, values: resolveParams(s.params, before) });
    return checked(s, { changes: r.rowCount ?? 0, rows: r.rows as Record<string, unknown>[] });
  };
  return {
    async run(...statements) {
      if (statements.length === 1) return [await query(pool, statements[0], [])];
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        const results: StatementResult[] = [];
        for (const s of statements) results.push(await query(client, s, results));
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
