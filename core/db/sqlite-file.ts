// A SQLite database is a file someone can delete, replace or make read-only under a running oracle.
// This module knows which file a process opened (so readiness can tell it is gone or replaced), and
// leaves a marker beside a database it created, so a database that vanished is refused at the next
// start instead of being recreated empty without a word: only a first setup creates one.
import { accessSync, constants, existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { UserError } from "../errors.ts";

/** The file a connection opened: a path now naming another inode (or nothing) means it is gone. */
export interface SqliteFileIdentity {
  path: string;
  dev: number;
  ino: number;
}

/** The marker beside `file` (hidden, so `rm oracle.db*` and `rm data/*` leave it). */
const markerOf = (file: string): string => path.join(path.dirname(file), `.${path.basename(file)}.created`);

/**
 * Before opening `file`: null when it exists, "new" when this is a first setup (neither the file nor
 * its marker exists). A file that is missing while its marker says one was created there is refused.
 */
export function checkSqliteFileBeforeOpen(file: string): "new" | null {
  if (existsSync(file)) return null;
  const marker = markerOf(file);
  if (!existsSync(marker)) return "new";
  const created = /created (\S+)/.exec(readFileSync(marker, "utf8"))?.[1] ?? "earlier";
  throw new UserError(
    `The SQLite database ${file} is gone (one was created there ${created}); refusing to start on a new empty one: restore it from a backup, or delete ${marker} to start again with an empty database.`,
  );
}

/** Records that the database at `file` exists (after creating it, or for one created before markers). */
export function markSqliteFile(file: string): void {
  const marker = markerOf(file);
  if (existsSync(marker)) return;
  try {
    writeFileSync(
      marker,
      `created ${new Date().toISOString()}: the oracle's SQLite database ${path.basename(file)} lives here.\n` +
        "While this file exists, a missing database is an error rather than a reason to create an empty one.\n",
    );
  } catch {
    // A read-only folder: the database itself will say so when it is written.
  }
}

export function sqliteFileIdentity(file: string): SqliteFileIdentity {
  const st = statSync(file);
  return { path: file, dev: st.dev, ino: st.ino };
}

/**
 * What is wrong with the file a connection opened, or null: gone, replaced by another file, or no
 * longer writable by this process (the file, or the folder its journal lives in).
 */
export function sqliteFileProblem(opened: SqliteFileIdentity): string | null {
  let st;
  try {
    st = statSync(opened.path);
  } catch {
    return `The database file ${opened.path} is gone`;
  }
  if (st.ino !== opened.ino || st.dev !== opened.dev) return `The database file ${opened.path} was replaced`;
  try {
    accessSync(opened.path, constants.R_OK | constants.W_OK);
    accessSync(path.dirname(opened.path), constants.W_OK);
  } catch (error) {
    return `The database is read-only (${(error as NodeJS.ErrnoException).code ?? "no write access"}: ${opened.path})`;
  }
  return null;
}
