// Readiness that tells the truth: what serving needs is checked for real — the database present,
// readable and writable (a write that changes nothing), and a model loaded — and kept fresh by a
// watcher, so a database deleted, replaced or turned read-only under a running bot is noticed within
// seconds, answered 503 with the reason on /readyz and on each request, and logged once, in one line.
import { watch, type FSWatcher } from "node:fs";
import path from "node:path";
import type { Db } from "../db/client.ts";
import { currentPromotionOf } from "../db/model-versions.ts";
import { sqliteFileProblem } from "../db/sqlite-file.ts";
import { databaseProblem, shortError } from "../errors.ts";
import type { Logger } from "../logger.ts";
import { repeat, type Repeating } from "./repeat.ts";
import type { Readiness } from "./types.ts";

/** A check answers for this long; /readyz and the requests in between reuse it. */
const FRESH_MS = 1_000;
/** The watcher checks this often even when nothing asks (a file event checks at once). */
const WATCH_MS = 2_000;
const PROBE_TIMEOUT_MS = 3_000;
/** Takes the write lock and writes nothing: fails on a read-only database, changes nothing otherwise. */
const WRITE_PROBE = 'UPDATE "SeenRequest" SET "key" = "key" WHERE 1 = 0';

export interface DatabaseHealth {
  /** The last known problem (no waiting), or null: what each request is gated on. */
  problem(): string | null;
  /** A checked answer, at most a second old. */
  check(): Promise<string | null>;
  close(): Promise<void>;
}

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

async function probe(db: Db): Promise<string | null> {
  const file = db.file && sqliteFileProblem(db.file);
  if (file) return `${file}; the oracle cannot answer until it is fixed.`;
  try {
    await withTimeout(db.prisma.$executeRawUnsafe(WRITE_PROBE), PROBE_TIMEOUT_MS, "the database check");
    return null;
  } catch (error) {
    return databaseProblem(error) ?? `The database is unreachable (${shortError(error, 200)}).`;
  }
}

/**
 * Watches `db` (with `watching`: in the background, and the SQLite file's folder for changes) and
 * logs each change of state once: the problem as one error line, its end as one info line.
 */
export function databaseHealth(db: Db, log: Logger, watching: boolean): DatabaseHealth {
  let last: { at: number; problem: string | null } | null = null;
  let inFlight: Promise<string | null> | null = null;
  const check = (): Promise<string | null> => {
    if (last && Date.now() - last.at < FRESH_MS) return Promise.resolve(last.problem);
    inFlight ??= probe(db)
      .then((problem) => {
        if (problem !== (last?.problem ?? null)) {
          if (problem) log.error({ reason: problem }, "database problem: the oracle answers 503 until it is fixed");
          else if (last) log.info("database usable again");
        }
        last = { at: Date.now(), problem };
        return problem;
      })
      .finally(() => {
        inFlight = null;
      });
    return inFlight;
  };
  let loop: Repeating | undefined;
  let files: FSWatcher | undefined;
  if (watching) {
    loop = repeat(
      WATCH_MS,
      async () => void (await check()),
      () => undefined,
      { immediately: true },
    );
    if (db.file) {
      const name = path.basename(db.file.path);
      try {
        files = watch(path.dirname(db.file.path), { persistent: false }, (_event, changed) => {
          // The file itself (deleted, replaced, its mode changed), not its -wal and -shm, which change
          // at every commit: a probe per commit took the write lock on the event loop behind the writer thread.
          if (changed === null || String(changed) === name) {
            last = null;
            loop?.nudge();
          }
        });
        files.on("error", () => files?.close());
      } catch {
        // Some file systems cannot be watched; the timer still checks every WATCH_MS.
      }
    }
  }
  return {
    problem: () => last?.problem ?? null,
    check,
    async close() {
      files?.close();
      await loop?.stop();
    },
  };
}

/** /readyz: the database first, then the model. */
/** What readiness asks of the model source (the serving core's). */
interface ModelState {
  serving(): { version: number } | null;
  /** Why the current version is not served (its load failed), or null. */
  problem(): string | null;
  /** Served, but its sampling threads are still starting. */
  warming?(): boolean;
}

export async function readinessOf(db: Db, health: DatabaseHealth, models: ModelState): Promise<Readiness> {
  const problem = await health.check();
  if (problem) return { ready: false, reason: problem };
  const served = models.serving();
  // A load balancer holds traffic back until the draws are off the event loop (requests sent anyway are answered).
  if (served && models.warming?.())
    return { ready: false, reason: `model version ${served.version} is starting its sampling threads` };
  if (served) return { ready: true, modelVersion: served.version };
  const failed = models.problem();
  if (failed) return { ready: false, reason: failed };
  const promotion = await currentPromotionOf(db).catch(() => null);
  return {
    ready: false,
    reason: promotion ? `loading model version ${promotion.version}` : "no model has been trained yet",
  };
}
