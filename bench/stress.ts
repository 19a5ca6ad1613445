// `npm run stress`: the oracle past one machine, measured in one run and printed. Two real bot
// processes (`oracle bot`) and a trainer process (`oracle trainer`) on one PostgreSQL database, on
// loopback with ephemeral ports; Discord's and Slack's servers are the tests' fakes (their real
// protocols, their signing helpers). One file per scenario under bench/stress/:
//   load       signed Slack /prophecy, signed Discord interactions and POST /api/prophecies over both
//              bots: --rate/s open loop for --seconds, then --clients back to back, while the trainer
//              trains (and is SIGKILLed mid-job); the retrain announced once; zero lost
//   reactions  --reactions add/remove events, 10 % duplicated, some out of order, against exact counts
//   faults     corrupt promoted model row; SQLite disk full (tmpfs); PostgreSQL restarted during load
//              (THIS MACHINE'S CLUSTER: pass --no-pg-restart on a shared machine)
//   crash      a bot SIGKILLed at --crashes random moments of Slack bursts and restarted; replays;
//              SQLite and PostgreSQL turned read-only and deleted under running bots
//   fuzz       every surface with hostile and malformed input, counted by status
//
//   npm run stress -- [--seconds 60] [--rate 100] [--clients 50] [--reactions 10000] [--crashes 20]
//                     [--no-pg-restart] [--postgres postgresql://postgres@127.0.0.1:5432/postgres] [--corpus PATH]
//                     [--only load,reactions,faults,crash,fuzz]   (some scenarios: shorter runs, figures split)
import path from "node:path";
import { parseArgs } from "node:util";
import { clients } from "./stress/clients.ts";
import { crashScenario } from "./stress/crash.ts";
import { corruptModelFault, diskFullFault, postgresRestartFault } from "./stress/faults.ts";
import { fuzzRound } from "./stress/fuzz.ts";
import { loadScenario } from "./stress/load.ts";
import { reactionsScenario } from "./stress/reactions.ts";
import { setUp } from "./stress/setup.ts";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "60" },
    rate: { type: "string", default: "100" },
    clients: { type: "string", default: "50" },
    reactions: { type: "string", default: "10000" },
    crashes: { type: "string", default: "20" },
    "no-pg-restart": { type: "boolean", default: false },
    postgres: { type: "string", default: "postgresql://postgres@127.0.0.1:5432/postgres" },
    corpus: { type: "string", default: path.resolve("../shared/corpus/quatrains.txt") },
    documents: { type: "string", default: "300" },
    only: { type: "string", default: "load,reactions,faults,crash,fuzz" },
  },
});
const only = new Set(String(values.only).split(","));

const s = await setUp({
  seconds: Number(values.seconds),
  rate: Number(values.rate),
  clients: Number(values.clients),
  reactions: Number(values.reactions),
  crashes: Number(values.crashes),
  pgRestart: !values["no-pg-restart"],
  postgres: String(values.postgres),
  corpus: String(values.corpus),
  documents: Number(values.documents),
});
const c = clients(s);
if (only.has("load")) await loadScenario(s, c);
if (only.has("reactions")) await reactionsScenario(s);
if (only.has("faults")) {
  await corruptModelFault(s, c);
  await diskFullFault(s);
}
const crash = only.has("crash") ? await crashScenario(s) : null;
const fuzz = only.has("fuzz") ? await fuzzRound(s, c) : null;
if (only.has("faults") && s.args.pgRestart) await postgresRestartFault(s, c);

s.say();
if (fuzz && crash)
  s.say(
    `goal: malformed input answered 5xx ${fuzz.serverErrors} (of ${fuzz.tried}); written by a refused request ${fuzz.overwritten}; replays run twice ${crash.replaysRunTwice}; acknowledged commands lost to kill -9 ${crash.lost}; posts without their link ${crash.unlinked}; slowest 503 after a read-only or deleted database ${crash.slowest503Ms} ms (goal ≤ 5000)`,
  );
await s.teardown();
process.exit(0);
