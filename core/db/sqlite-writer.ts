// The SQLite writer thread of direct.ts: its own connection to the file, running each request's
// statements (one transaction each), so that a commit's fsync blocks this thread, not the event loop.
import Database from "better-sqlite3";
import { parentPort, workerData } from "node:worker_threads";
import { SQLITE_BUSY_TIMEOUT_MS } from "./migrate-sqlite.ts";
import { sqliteStatements } from "./sqlite-statements.ts";
import type { Statement, StatementResult } from "./statements.ts";

export type WriterRequest = { id: number; statements: Statement[] } | { id: number; close: true };
export type WriterReply =
  | { id: number; results: StatementResult[] }
  | { id: number; error: { message: string; code?: string } };

const port = parentPort!;
const connection = new Database((workerData as { file: string }).file, { timeout: SQLITE_BUSY_TIMEOUT_MS });
connection.pragma("foreign_keys = ON");
const run = sqliteStatements(connection);

port.on("message", (m: WriterRequest) => {
  if ("close" in m) {
    connection.close();
    port.postMessage({ id: m.id, results: [] } satisfies WriterReply);
    port.close();
    return;
  }
  try {
    port.postMessage({ id: m.id, results: run(m.statements) } satisfies WriterReply);
  } catch (error) {
    const { message, code } = error as { message: string; code?: unknown };
    port.postMessage({
      id: m.id,
      error: { message, ...(typeof code === "string" ? { code } : {}) },
    } satisfies WriterReply);
  }
});
