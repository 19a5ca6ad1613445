// A separate process that races others on the same database (run by jobs.test.ts and leases.test.ts):
// in-process clients cannot race on SQLite, whose driver blocks the whole thread while it waits.
//   node --import tsx race-worker.ts URL OP HOLDER START_AT_MS
import { openDatabase } from "../../../core/db/client.ts";
import { claimNextJob, enqueueScheduledJob } from "../../../core/db/jobs.ts";
import { tryAcquire } from "../../../core/db/leases.ts";

const [url, op, holder, startAt] = process.argv.slice(2) as [string, string, string, string];
const db = await openDatabase(url, { migrate: false });
const until = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms - Date.now())));
const start = Number(startAt);
export const LEASE_ROUNDS = 4;
const TTL = 30_000;
const t0 = new Date("2026-11-01T03:00:00Z");

let out: unknown;
if (op === "lease") {
  const rounds = [];
  for (let r = 0; r < LEASE_ROUNDS; r++) {
    await until(start + r * 600);
    const fresh = await tryAcquire(db, `race-${r}`, holder, TTL, { now: t0 });
    await until(start + r * 600 + 300);
    const takeover = await tryAcquire(db, `race-${r}`, `late-${holder}`, TTL, {
      now: new Date(t0.getTime() + TTL + 1),
    });
    rounds.push({ fresh: fresh.acquired, takeover: takeover.acquired });
  }
  out = rounds;
} else if (op === "claim") {
  await until(start);
  const ids = [];
  for (let job = await claimNextJob(db, holder); job; job = await claimNextJob(db, holder)) ids.push(job.id);
  out = ids;
} else if (op === "schedule") {
  await until(start);
  const job = await enqueueScheduledJob(db, new Date("2026-11-02T03:00:00Z"), {
    requestedBy: "schedule",
    reason: "nightly",
  });
  out = job?.id ?? null;
} else {
  throw new Error(`unknown op ${op}`);
}
process.stdout.write(JSON.stringify(out));
await db.close();
