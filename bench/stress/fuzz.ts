// The fuzz round, counted per surface: hostile values in every command argument, option, body field,
// query and path parameter; payloads of the wrong shape; bad signatures and dates; the CLI's flags.
// What must hold: no answer is a 5xx (or no answer at all); a malformed payload is a 4xx (a Slack
// event: acknowledged and dropped); hostile values inside a well-formed chat command get the
// platform's private refusal; and nothing is written but the prophecies that were answered.
import { execFile } from "node:child_process";
import path from "node:path";
import { snowflake } from "../../test/bot/discord/fake-discord.ts";
import { appKeys, signed } from "../../test/bot/discord/signing.ts";
import { commandBody, eventBody, slackSignature } from "../../test/bot/slack/signing.ts";
import type { Clients } from "./clients.ts";
import type { Stress } from "./setup.ts";

const NASTY: unknown[] = [
  "abc",
  "NaN",
  "Infinity",
  "-Infinity",
  "-1",
  "-0",
  "0",
  "1e308",
  "99999999999999999999",
  "0x10",
  "0b1",
  "1,5",
  " ",
  "",
  "\u0000",
  "\u0007\u001b[31m",
  "x".repeat(100_000),
  '\'; DROP TABLE "Prophecy"; --',
  '" OR 1=1 --',
  "<script>alert(1)</script>",
  "@everyone",
  "<!channel>",
  "zzzqqxunknownword",
  "\ud800",
  "\udfff\ud800",
  "🔥".repeat(300),
  "fire\u202eerif",
  "../../etc/passwd",
  "%00",
  "{{7*7}}",
  NaN,
  Infinity,
  -Infinity,
  -5,
  1e308,
  3,
  -0.0001,
  2.0001,
  null,
  true,
  [],
  {},
  [1, 2],
  { a: { b: { c: [] } } },
];

interface Tally {
  tried: number;
  /** Status → count. */
  statuses: Map<number, number>;
  /** 5xx, or no answer. */
  failures: string[];
}

const tally = (): Tally => ({ tried: 0, statuses: new Map(), failures: [] });
function note(t: Tally, status: number, what: string) {
  t.tried++;
  t.statuses.set(status, (t.statuses.get(status) ?? 0) + 1);
  if (status >= 500 || status === 0) t.failures.push(`${status} ${what.slice(0, 80)}`);
}
const histogram = (t: Tally) =>
  [...t.statuses]
    .sort((a, b) => a[0] - b[0])
    .map(([st, n]) => `${st}×${n}`)
    .join(", ");

export async function fuzzRound(
  s: Stress,
  c: Clients,
): Promise<{ tried: number; serverErrors: number; overwritten: number }> {
  s.say();
  s.say("== fuzz: every surface, counted ==");
  const written = async () => ({
    prophecies: await s.db.prisma.prophecy.count(),
    jobs: await s.db.prisma.trainingJob.count(),
  });
  const before = await written();
  let bot = 0;
  const b = () => s.bots[bot++ % s.bots.length];
  const strings = NASTY.filter((x): x is string | number => typeof x === "string" || typeof x === "number");
  const asText = (v: string | number) => {
    try {
      return encodeURIComponent(String(v));
    } catch {
      return "%ED%A0%80"; // a lone surrogate, as raw bytes
    }
  };
  let answeredProphecies = 0;
  let acceptedJobs = 0;
  const accepted: string[] = [];

  // ---- web: bodies, raw bodies, queries, paths, admin bodies ----
  const web = tally();
  for (const v of NASTY) {
    for (const field of ["temperature", "about", "count", "seed", "unknown"]) {
      const body = JSON.stringify({ [field]: v });
      const r = await c.webProphecy(b(), body);
      note(web, r.status ?? 0, `POST /api/prophecies ${body}`);
      if (r.ok) {
        answeredProphecies++;
        accepted.push(`${field}=${JSON.stringify(v)?.slice(0, 20)}`);
      }
    }
  }
  const invalidUtf8 = Buffer.from([
    0x7b, 0x22, 0x61, 0x62, 0x6f, 0x75, 0x74, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc3, 0x28, 0x22, 0x7d,
  ]).toString("latin1");
  const deep = (n: number): unknown => (n === 0 ? 1 : { a: deep(n - 1) });
  for (const raw of [
    "[".repeat(5000) + "]".repeat(5000),
    JSON.stringify(deep(3000)),
    "{",
    "null",
    "[]",
    '"x"',
    "1",
    invalidUtf8,
    '{"temperature":1e999}',
    "x".repeat(200_000),
  ]) {
    const r = await c.webProphecy(b(), raw);
    note(web, r.status ?? 0, `POST /api/prophecies raw ${raw.slice(0, 30)}`);
    if (r.ok) {
      answeredProphecies++;
      accepted.push(`raw ${raw.slice(0, 20)}`);
    }
  }
  const paths = (q: string) => [
    `/api/prophecies?cursor=${q}`,
    `/api/prophecies?sort=${q}`,
    `/api/prophecies?limit=${q}`,
    `/api/prophecies?model=${q}`,
    `/api/prophecies?minTemperature=${q}`,
    `/api/prophecies?from=${q}`,
    `/api/prophecies?q=${q}`,
    `/api/prophecies?${q}=1`,
    `/api/prophecies/${q}`,
    `/api/words?prefix=${q}`,
    `/api/words?prefix=a&limit=${q}`,
    `/api/runs?limit=${q}`,
    `/api/runs/${q}`,
    `/api/runs/${q}/events`,
    `/p/${q}`,
    `/runs/${q}`,
    `/history?limit=${q}`,
    `/history?surface=${q}`,
  ];
  for (const v of strings) {
    for (const p of paths(asText(v))) {
      try {
        note(web, (await s.http(`${b().url}${p}`, "GET", undefined, {})).status, `GET ${p}`);
      } catch {
        note(web, 0, `GET ${p}`);
      }
    }
  }
  const admin = { "content-type": "application/json", authorization: `Bearer ${s.botEnv.WEB_ADMIN_TOKEN}` };
  for (const v of NASTY) {
    for (const [route, field] of [
      ["/api/retrain", "epochs"],
      ["/api/retrain", "reason"],
      ["/api/retrain", "by"],
      ["/api/rollback", "reason"],
      ["/api/models/1/promote", "by"],
    ] as const) {
      // A valid reason or name would act: only values of the wrong type or size are sent.
      if (typeof v === "string" && v.length <= 80 && field !== "epochs") continue;
      const body = JSON.stringify({ [field]: v });
      try {
        const status = (await s.http(`${b().url}${route}`, "POST", body, admin)).status;
        note(web, status, `POST ${route} ${body}`);
        if (route === "/api/retrain" && status === 202) {
          acceptedJobs++;
          accepted.push(`retrain ${field}=${JSON.stringify(v)?.slice(0, 20)}`);
        }
      } catch {
        note(web, 0, `POST ${route}`);
      }
    }
  }

  // ---- Slack: payloads of the wrong shape (400), malformed events (200, dropped), hostile text ----
  const slackShape = tally();
  const slackText = tally();
  const send = async (t: Tally, body: string, type: string, what: string, ts = Math.floor(Date.now() / 1000)) => {
    try {
      const r = await s.http(`${b().url}/slack/events`, "POST", body, {
        "content-type": type,
        "x-slack-request-timestamp": String(ts),
        "x-slack-signature": slackSignature(body, ts),
      });
      note(t, r.status, what);
      return r;
    } catch {
      note(t, 0, what);
      return null;
    }
  };
  const form = "application/x-www-form-urlencoded";
  for (const payload of [
    "null",
    "1",
    '"x"',
    "[]",
    "{",
    '{"type":"block_actions"}',
    '{"type":"block_actions","user":{},"actions":[]}',
    "x".repeat(10_000),
  ])
    await send(slackShape, new URLSearchParams({ payload }).toString(), form, `payload=${payload.slice(0, 30)}`);
  const commands: Record<string, string>[] = [
    { command: "/prophecy" },
    { command: "prophecy", user_id: "U", channel_id: "C", team_id: "T", response_url: "https://x/y" },
    { text: "1.2" },
  ];
  for (const fields of commands)
    await send(
      slackShape,
      new URLSearchParams(fields).toString(),
      form,
      `command ${JSON.stringify(fields).slice(0, 40)}`,
    );
  for (const event of [
    { type: "reaction_added" },
    { type: "reaction_added", user: "U1", reaction: "fire", item: "x", event_ts: "1.1" },
    {
      type: "reaction_added",
      user: "U1",
      reaction: "fire",
      item: { type: "message", channel: "C1", ts: "1.1" },
      event_ts: "1e20",
    },
    {
      type: "reaction_removed",
      reaction: "x".repeat(100_000),
      item: { type: "message", channel: "C1", ts: "1.1" },
      event_ts: "1.000001",
    },
  ])
    await send(slackShape, eventBody(event), "application/json", `event ${JSON.stringify(event).slice(0, 40)}`);
  await send(
    slackShape,
    JSON.stringify({ type: "event_callback", event_id: "EvX" }),
    "application/json",
    "event without event",
  );
  for (const offset of [-400, 301, 3600, 31_536_000])
    await send(
      slackShape,
      commandBody(s.slack, "/prophecy", "1.0", { channel: "CFUZZT" }),
      form,
      `timestamp ${offset}`,
      Math.floor(Date.now() / 1000) + offset,
    );
  const slackBefore = s.slack.callsOf("chat.postMessage").length;
  for (const v of strings) {
    for (const text of [String(v), `temperature:${String(v)}`, `about:${String(v)}`, `${String(v)} 0.8`]) {
      await send(
        slackText,
        commandBody(s.slack, "/prophecy", text.slice(0, 4000), { channel: `CFUZZ${slackText.tried}`, user: "UFUZZ" }),
        form,
        `/prophecy ${text.slice(0, 30)}`,
      );
    }
    await send(
      slackText,
      commandBody(s.slack, "/retrain", String(v).slice(0, 4000), { channel: "CFUZZR", user: "UFUZZ" }),
      form,
      `/retrain ${String(v).slice(0, 30)}`,
    );
  }

  // ---- Discord: bodies of the wrong shape (400), bad signatures (401), hostile option values ----
  const discordShape = tally();
  const discordOptions = tally();
  const base = () => ({
    id: snowflake(),
    application_id: s.discord.applicationId,
    token: `t${snowflake()}`,
    version: 1,
  });
  for (const body of [
    null,
    [1],
    { ...base(), type: 2 },
    { ...base(), type: 4, data: { id: snowflake(), name: "prophecy", type: 1 } },
    {
      ...base(),
      type: 2,
      data: { id: snowflake(), name: "prophecy", type: 1 },
      member: { user: { id: snowflake() }, roles: [], permissions: "abc" },
    },
    { ...base(), type: 2, data: { id: snowflake(), name: "prophecy", type: 1, options: "x" } },
    { ...base(), type: 3, data: {} },
    { ...base(), type: 99 },
    { ...base() },
  ]) {
    const req = signed(s.keys, body);
    try {
      note(
        discordShape,
        (await s.http(`${b().url}/discord/interactions`, "POST", req.body, req.headers)).status,
        JSON.stringify(body).slice(0, 60),
      );
    } catch {
      note(discordShape, 0, "discord shape");
    }
  }
  for (const [keys, ts] of [
    [appKeys(), Math.floor(Date.now() / 1000)],
    [s.keys, Math.floor(Date.now() / 1000) + 400],
    [s.keys, Math.floor(Date.now() / 1000) - 400],
  ] as const) {
    const req = signed(keys, s.discord.commandInteraction("prophecy", [], { userId: snowflake() }), ts);
    note(
      discordShape,
      (await s.http(`${b().url}/discord/interactions`, "POST", req.body, req.headers)).status,
      "signature",
    );
  }
  for (const v of NASTY) {
    for (const opts of [
      [{ name: "temperature", type: 10, value: v }],
      [{ name: "about", type: 3, value: v }],
      [{ name: "bogus", type: 3, value: v }],
    ]) {
      const r = await c.discordProphecy(b(), opts);
      note(discordOptions, r.status ?? 0, `option ${JSON.stringify(opts).slice(0, 60)}`);
      if (r.ok) answeredProphecies++;
    }
  }

  // ---- the CLI: hostile flags, each one line and exit 1 ----
  const cli = { tried: 0, exit1: 0, other: [] as string[] };
  for (const args of [
    ["prophecy", "--temperature", "0x1"],
    ["prophecy", "--count", "1e1"],
    ["prophecy", "--seed", ""],
    ["prophecy", "--about", "zzzqqx\u001b[31m"],
    ["retrain", "--reason", "r".repeat(501)],
    ["retrain", "--by", "b".repeat(81)],
    ["retrain", "--epochs", "10001"],
    ["jobs", "--limit", "0x10"],
    ["promote", "abc"],
    ["cancel", "-1"],
  ]) {
    const r = await new Promise<{ code: number; stderr: string }>((resolve) =>
      execFile(
        process.execPath,
        [path.join(s.root, "bin/oracle.js"), ...args],
        {
          cwd: s.root,
          env: {
            PATH: process.env.PATH ?? "",
            HOME: process.env.HOME ?? "",
            DATABASE_URL: s.databaseUrl,
            BOT_BACKEND: "wasm",
            ...s.common,
          },
        },
        (error, _stdout, stderr) =>
          resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stderr }),
      ),
    );
    cli.tried++;
    if (r.code === 1 && !/internal error|\n\s+at /.test(r.stderr)) cli.exit1++;
    else cli.other.push(`${args[0]} ${args[1]}: exit ${r.code}`);
  }

  await s.sleep(3000);
  const slackPosted = s.slack
    .callsOf("chat.postMessage")
    .slice(slackBefore)
    .filter(
      (call) => String(call.args.channel).startsWith("CFUZZ") && /prophecy #\d+/.test(JSON.stringify(call.args)),
    ).length;
  answeredProphecies += slackPosted;
  const after = await written();
  const tried = web.tried + slackShape.tried + slackText.tried + discordShape.tried + discordOptions.tried + cli.tried;
  const failures = [
    ...web.failures,
    ...slackShape.failures,
    ...slackText.failures,
    ...discordShape.failures,
    ...discordOptions.failures,
  ];
  s.say(`web API and pages: ${web.tried} inputs; ${histogram(web)}`);
  s.say(`    answered 2xx (valid after all): ${accepted.length ? [...new Set(accepted)].join("; ") : "none"}`);
  s.say(
    `Slack payloads of the wrong shape, malformed events, bad dates: ${slackShape.tried}; ${histogram(slackShape)}`,
  );
  s.say(
    `Slack hostile command text (a private usage or refusal in the 200 acknowledgement): ${slackText.tried}; ${histogram(slackText)}`,
  );
  s.say(`Discord bodies of the wrong shape and bad signatures: ${discordShape.tried}; ${histogram(discordShape)}`);
  s.say(
    `Discord hostile option values (a private refusal in the 200 answer): ${discordOptions.tried}; ${histogram(discordOptions)}`,
  );
  s.say(
    `CLI hostile flags: ${cli.tried}, one line and exit 1: ${cli.exit1}${cli.other.length ? ` (others: ${cli.other.join("; ")})` : ""}`,
  );
  const overwritten =
    after.prophecies - before.prophecies - answeredProphecies + (after.jobs - before.jobs - acceptedJobs);
  s.say(
    `${tried} inputs in all; answered 5xx or not at all: ${failures.length}${failures.length ? ` (${failures.slice(0, 5).join(" | ")})` : ""}; prophecies written ${after.prophecies - before.prophecies}, answered as prophecies ${answeredProphecies}; jobs written ${after.jobs - before.jobs}, accepted ${acceptedJobs}; written by a refused request: ${overwritten}`,
  );
  return { tried, serverErrors: failures.length, overwritten };
}
