import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../../core/db/client.ts";
import { enqueueJob, recordEpoch } from "../../../core/db/jobs.ts";
import { createModelVersion } from "../../../core/db/model-versions.ts";
import { describeEachDatabase, sampleModelVersion } from "../../helpers/db.ts";
import { ADMIN_TOKEN, react, seedProphecy, startWeb, trainTinyModel, type WebServer } from "./fixture.ts";

const day = (iso: string) => new Date(`${iso}T12:00:00Z`);
const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };

describeEachDatabase("web JSON API", (getDb: () => Db) => {
  let web: WebServer;
  let v1: number;
  let v2: number;
  // Named prophecies, oldest first (ids grow in this order).
  const id: Record<"a" | "b" | "c" | "d" | "e" | "x", number> = { a: 0, b: 0, c: 0, d: 0, e: 0, x: 0 };

  const get = async (url: string, headers: Record<string, string> = {}) => {
    const response = await web.app.inject({ method: "GET", url, headers });
    return { status: response.statusCode, body: response.json<Record<string, unknown> & { error?: string }>() };
  };
  const ids = async (query: string): Promise<number[]> => {
    const { status, body } = await get(`/api/prophecies?${query}`);
    expect(status, JSON.stringify(body)).toBe(200);
    return (body.prophecies as { id: number }[]).map((p) => p.id);
  };
  const seeded = () => new Set(Object.values(id));
  /** Only the prophecies this suite seeded (a test later in the file asks for new ones). */
  const seededIds = async (query: string) => (await ids(query)).filter((i) => seeded().has(i));

  beforeAll(async () => {
    const db = getDb();
    v1 = await trainTinyModel(db);
    v2 = await createModelVersion(db, sampleModelVersion());
    id.a = await seedProphecy(db, {
      modelVersion: v1,
      surface: "discord",
      temperature: 0.5,
      createdAt: day("2026-01-10"),
      text: "The king of fire\nshall come\nfrom the east\nby night",
    });
    id.b = await seedProphecy(db, {
      modelVersion: v2,
      surface: "slack",
      temperature: 1.5,
      createdAt: day("2026-02-10"),
      text: "A great famine\nshall come\nupon the land\nin spring",
    });
    id.c = await seedProphecy(db, {
      modelVersion: v1,
      surface: "web",
      temperature: 1.2,
      createdAt: day("2026-03-10"),
      text: "The moon over Paris\nhidden\nthe seven\nshall fall",
    });
    id.d = await seedProphecy(db, {
      modelVersion: v2,
      surface: "cli",
      temperature: 2.0,
      createdAt: day("2026-03-20"),
      text: "Fire and blood\nin the west\nthe great ones\nweep",
    });
    id.e = await seedProphecy(db, {
      modelVersion: v1,
      surface: "discord",
      temperature: 1.0,
      createdAt: day("2026-04-01"),
      text: "Ville d'été brûlée\nles grands\nseront\nprins",
    });
    id.x = await seedProphecy(db, {
      modelVersion: v1,
      surface: "discord",
      temperature: 1.0,
      createdAt: day("2026-04-02"),
      text: '<script>alert(1)</script> & "quotes"\nline two\nline three\nline four',
    });
    web = await startWeb(db);
    await react(web.oracle, id.a, "👍", 3);
    await react(web.oracle, id.e, "🔥", 1);
    await react(web.oracle, id.e, "👍", 1);
  });
  afterAll(async () => {
    await web?.close();
  });

  describe("GET /api/prophecies", () => {
    it("lists newest first with every field the API promises", async () => {
      const { body } = await get("/api/prophecies");
      const list = body.prophecies as Record<string, unknown>[];
      expect(list.map((p) => p.id)).toEqual([id.x, id.e, id.d, id.c, id.b, id.a]);
      expect(body.nextCursor).toBeNull();
      const a = list.find((p) => p.id === id.a)!;
      expect(a).toEqual({
        id: id.a,
        createdAt: day("2026-01-10").toISOString(),
        text: "The king of fire\nshall come\nfrom the east\nby night",
        lines: ["The king of fire", "shall come", "from the east", "by night"],
        temperature: 0.5,
        about: null,
        modelVersion: v1,
        surface: "discord",
        longestCopied: 2,
        reactions: { "👍": 3 },
        reactionCount: 3,
      });
      expect(list.find((p) => p.id === id.e)!.reactions).toEqual({ "🔥": 1, "👍": 1 });
    });

    it.each([
      ["surface=slack", ["b"]],
      ["surface=discord", ["x", "e", "a"]],
      ["model=V2", ["d", "b"]],
      ["minTemperature=1.2", ["d", "c", "b"]],
      ["maxTemperature=1.0", ["x", "e", "a"]],
      ["minTemperature=1.0&maxTemperature=1.5", ["x", "e", "c", "b"]],
      ["from=2026-03-01", ["x", "e", "d", "c"]],
      ["to=2026-02-10", ["b", "a"]],
      ["from=2026-03-10T00:00:00Z&to=2026-03-20T11:00:00Z", ["c"]],
      ["q=fire", ["d", "a"]],
      ["q=FIRE", ["d", "a"]],
      ["q=king%20fire", ["a"]],
      ["q=%C3%A9t%C3%A9", ["e"]],
      ["q=shall%20come", ["b", "a"]],
      ["q=fire%20OR%20%22moon", []],
      ["q=nowhere", []],
      ["surface=discord&q=fire", ["a"]],
      ["model=V1&minTemperature=1&q=the", ["c"]],
      ["sort=reactions", ["a", "e", "x", "d", "c", "b"]],
      ["sort=reactions&q=the", ["a", "d", "c", "b"]],
      ["sort=reactions&surface=discord", ["a", "e", "x"]],
    ])("filters: %s", async (query, expected) => {
      const q = query.replace("V1", String(v1)).replace("V2", String(v2));
      expect(await seededIds(q)).toEqual(expected.map((k) => id[k as keyof typeof id]));
    });

    it("pages with cursors, newest first and by reactions, until nextCursor is null", async () => {
      for (const [sort, expected] of [
        ["new", ["x", "e", "d", "c", "b", "a"]],
        ["reactions", ["a", "e", "x", "d", "c", "b"]],
      ] as const) {
        const seen: number[] = [];
        let cursor: string | null = null;
        for (let page = 0; page < 10; page++) {
          const { body } = await get(`/api/prophecies?sort=${sort}&limit=2${cursor ? `&cursor=${cursor}` : ""}`);
          const list = (body.prophecies as { id: number }[]).map((p) => p.id);
          expect(list.length).toBeLessThanOrEqual(2);
          seen.push(...list);
          cursor = body.nextCursor as string | null;
          if (!cursor) break;
        }
        expect(seen.filter((i) => seeded().has(i))).toEqual(expected.map((k) => id[k]));
      }
    });

    it("pages a word search with its filters kept", async () => {
      const first = await get("/api/prophecies?q=the&limit=1");
      expect((first.body.prophecies as { id: number }[]).map((p) => p.id)).toEqual([id.d]);
      const second = await get(`/api/prophecies?q=the&limit=1&cursor=${first.body.nextCursor as string}`);
      expect((second.body.prophecies as { id: number }[]).map((p) => p.id)).toEqual([id.c]);
    });

    it.each([
      ["limit=0", "limit"],
      ["limit=101", "limit"],
      ["limit=ten", "limit"],
      ["limit=1.5", "limit"],
      ["surface=irc", "surface"],
      ["model=0", "model"],
      ["model=latest", "model"],
      ["minTemperature=hot", "minTemperature"],
      ["maxTemperature=-1", "maxTemperature"],
      ["minTemperature=1.5&maxTemperature=1", "minTemperature"],
      ["from=yesterday", "from"],
      ["to=2026-13-45", "to"],
      ["from=2026-02-30", "from"],
      ["q=", "q"],
      ["q=%21%3F%21", "q"],
      [`q=${"a".repeat(201)}`, "q"],
      ["sort=oldest", "sort"],
      ["cursor=%3Cgarbage%3E", "cursor"],
      ["cursor=n12", "cursor", "sort=reactions"],
      ["cursor=r3.12", "cursor"],
    ])("400 naming the parameter: %s", async (query, name, extra?: string) => {
      const { status, body } = await get(`/api/prophecies?${query}${extra ? `&${extra}` : ""}`);
      expect(status).toBe(400);
      expect(body.error).toContain(name);
    });
  });

  describe("GET /api/prophecies/:id", () => {
    it("answers one prophecy, 404 for an unknown id, 400 for a bad one", async () => {
      const one = await get(`/api/prophecies/${id.c}`);
      expect(one.status).toBe(200);
      expect(one.body).toMatchObject({
        id: id.c,
        surface: "web",
        temperature: 1.2,
        lines: ["The moon over Paris", "hidden", "the seven", "shall fall"],
      });
      expect((await get("/api/prophecies/999999")).status).toBe(404);
      const bad = await get("/api/prophecies/seven");
      expect(bad.status).toBe(400);
      expect(bad.body.error).toContain("id");
      expect((await get("/api/prophecies/0")).status).toBe(400);
    });
  });

  describe("models and runs", () => {
    it("GET /api/models lists every version with its training facts", async () => {
      const { status, body } = await get("/api/models");
      expect(status).toBe(200);
      expect(body.current).toBe(v1);
      const models = body.models as Record<string, unknown>[];
      expect(models.map((m) => m.version)).toEqual([v2, v1]);
      expect(models[1]).toMatchObject({ version: v1, current: true, status: "accepted", epochs: 1, hasWeights: true });
      for (const key of [
        "trainingSeconds",
        "backend",
        "loss",
        "valLoss",
        "perplexity",
        "kneserNeyPerplexity",
        "longestCopied",
        "gloveCoverage",
        "rejectReason",
      ]) {
        expect(models[1]).toHaveProperty(key);
      }
      expect(typeof models[1].perplexity).toBe("number");
    });

    it("GET /api/runs/:id answers the job with its epochs; 404 unknown; 400 bad", async () => {
      const db = getDb();
      const job = await enqueueJob(db, { requestedBy: "tester", reason: "curves", epochs: 3 });
      await recordEpoch(db, job.id, { epoch: 1, loss: 5, acc: 0.1, valLoss: 5.5, valAcc: 0.09, seconds: 1 });
      await recordEpoch(db, job.id, { epoch: 2, loss: 4, acc: 0.2, valLoss: 4.8, valAcc: 0.15, seconds: 1 });
      const { status, body } = await get(`/api/runs/${job.id}`);
      expect(status).toBe(200);
      expect(body).toMatchObject({ id: job.id, state: "queued", epochsPlanned: 3, epochsDone: 2, reason: "curves" });
      expect((body.epochs as { epoch: number; valLoss: number }[]).map((e) => [e.epoch, e.valLoss])).toEqual([
        [1, 5.5],
        [2, 4.8],
      ]);
      expect((await get("/api/runs/424242")).status).toBe(404);
      expect((await get("/api/runs/x")).body.error).toContain("id");
      expect((await get("/api/runs?limit=500")).body.error).toContain("limit");
      expect(((await get("/api/runs")).body.runs as { id: number }[])[0].id).toBe(job.id);
    });
  });

  describe("admin actions", () => {
    const post = (url: string, payload: unknown = {}, headers: Record<string, string> = {}) =>
      web.app.inject({ method: "POST", url, payload: payload as object, headers });

    it("are refused without the token (401) and with a wrong one (403), and change nothing", async () => {
      for (const url of [`/api/models/${v2}/promote`, "/api/rollback", "/api/retrain"]) {
        expect((await post(url)).statusCode).toBe(401);
        expect((await post(url, {}, { authorization: "Bearer not-the-admin-token" })).statusCode).toBe(403);
      }
      expect((await get("/api/models")).body.current).toBe(v1);
      expect((await get("/api/runs")).body.runs as unknown[]).toHaveLength(1);
    });

    it("promote and roll back with the token, recording who", async () => {
      const promoted = await post(`/api/models/${v2}/promote`, { reason: "try it", by: "alice" }, admin);
      expect(promoted.statusCode).toBe(200);
      expect(promoted.json()).toMatchObject({ version: v2, by: "alice (web 127.0.0.1)" });
      const models = (await get("/api/models")).body;
      expect(models.current).toBe(v2);
      expect((models.models as Record<string, unknown>[])[0]).toMatchObject({
        version: v2,
        current: true,
        promotedBy: "alice (web 127.0.0.1)",
      });
      const rolled = await post("/api/rollback", { reason: "worse" }, admin);
      expect(rolled.statusCode).toBe(200);
      expect(rolled.json()).toMatchObject({ version: v1 });
      expect((await get("/api/models")).body.current).toBe(v1);
      const rollbackRow = await getDb().prisma.promotion.findFirst({ where: { version: v2 } });
      expect(rollbackRow).toMatchObject({ rolledBackBy: "admin (web 127.0.0.1)" });
      expect(rollbackRow!.rolledBackAt).toBeInstanceOf(Date);
    });

    it("queue a retrain with the token (202, the job and its run page)", async () => {
      const response = await post("/api/retrain", { reason: "new data", epochs: 2 }, admin);
      expect(response.statusCode).toBe(202);
      const body = response.json<{ jobId: number }>();
      expect(body).toMatchObject({ state: "queued", run: `/runs/${body.jobId}` });
      const run = (await get(`/api/runs/${body.jobId}`)).body;
      expect(run).toMatchObject({ state: "queued", reason: "new data", epochsPlanned: 2 });
      expect(run.requestedBy).toContain("web 127.0.0.1");
    });

    it.each([
      ["/api/models/0/promote", {}, "version"],
      ["/api/models/abc/promote", {}, "version"],
      ["/api/retrain", { epochs: 0 }, "epochs"],
      ["/api/retrain", { reason: "" }, "reason"],
      ["/api/rollback", { by: "x".repeat(81) }, "by"],
    ])("400 naming the parameter: POST %s %j", async (url, payload, name) => {
      const response = await post(url, payload, admin);
      expect(response.statusCode).toBe(400);
      expect(response.json<{ error: string }>().error).toContain(name);
    });

    it("404 for promoting an unknown version", async () => {
      expect((await post("/api/models/99999/promote", {}, admin)).statusCode).toBe(404);
    });
  });

  describe("POST /api/prophecies", () => {
    it("answers 201 with the stored prophecy (four lines, surface web), first in the history", async () => {
      const response = await web.app.inject({ method: "POST", url: "/api/prophecies", payload: { temperature: 1.2 } });
      expect(response.statusCode).toBe(201);
      const body = response.json<{ id: number; lines: string[] }>();
      expect(body.lines).toHaveLength(4);
      expect(body).toMatchObject({ temperature: 1.2, surface: "web", modelVersion: v1, reactionCount: 0 });
      expect(response.headers.location).toBe(`/p/${body.id}`);
      expect((await ids(""))[0]).toBe(body.id);
      expect(await ids("surface=web&minTemperature=1.2&maxTemperature=1.2")).toEqual([body.id, id.c]);
      const stored = await getDb().prisma.prophecy.findUnique({ where: { id: body.id } });
      expect(stored).toMatchObject({ surface: "web", requestedBy: "127.0.0.1" });
    });

    it.each([
      [{ temperature: 5 }, "temperature"],
      [{ temperature: 0 }, "temperature"],
      [{ temperature: "hot" }, "temperature"],
      [{ about: "x".repeat(201) }, "about"],
    ])("400 naming the parameter: %j", async (payload, name) => {
      const response = await web.app.inject({ method: "POST", url: "/api/prophecies", payload });
      expect(response.statusCode).toBe(400);
      expect(response.json<{ error: string }>().error).toContain(name);
    });

    it("400 for words the model does not know, for malformed JSON; 413 for a body over the limit", async () => {
      const unknown = await web.app.inject({ method: "POST", url: "/api/prophecies", payload: { about: "zyzzyva" } });
      expect(unknown.statusCode).toBe(400);
      const malformed = await web.app.inject({
        method: "POST",
        url: "/api/prophecies",
        payload: "{temperature:",
        headers: { "content-type": "application/json" },
      });
      expect(malformed.statusCode).toBe(400);
      const big = await web.app.inject({
        method: "POST",
        url: "/api/prophecies",
        payload: { about: "x".repeat(10_000) },
      });
      expect(big.statusCode).toBe(413);
      expect(big.json<{ error: string }>().error).toBeTruthy();
    });
    it("limits asking per client address in the core: 429 with Retry-After, the words every surface uses", async () => {
      const limited = await startWeb(getDb(), { web: { rateLimitPerMinute: 2 } });
      try {
        const ask = (ip: string) =>
          limited.app.inject({
            method: "POST",
            url: "/api/prophecies",
            payload: { about: "zyzzyva" },
            remoteAddress: ip,
          });
        // Asks the core refuses count too: the limit comes before any work.
        expect((await ask("10.0.0.1")).statusCode).toBe(400);
        expect((await ask("10.0.0.1")).statusCode).toBe(400);
        const refused = await ask("10.0.0.1");
        expect(refused.statusCode).toBe(429);
        expect(refused.json<{ error: string }>().error).toMatch(/^You are asking too fast; try again in \d+ s\.$/);
        expect(Number(refused.headers["retry-after"])).toBeGreaterThanOrEqual(1);
        expect(Number(refused.headers["retry-after"])).toBeLessThanOrEqual(60);
        // The form without script is the same limit: the same words, in the answer's place.
        const form = await limited.app.inject({
          method: "POST",
          url: "/ask",
          payload: "temperature=1",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          remoteAddress: "10.0.0.1",
        });
        expect(form.statusCode).toBe(429);
        expect(form.headers["retry-after"]).toBe(refused.headers["retry-after"]);
        expect(form.body).toMatch(/role="alert">You are asking too fast; try again in \d+ s\.<\/p>/);
        expect((await ask("10.0.0.2")).statusCode).toBe(400);
        // Reading is not limited.
        for (let i = 0; i < 4; i++)
          expect((await limited.app.inject({ url: "/api/prophecies", remoteAddress: "10.0.0.1" })).statusCode).toBe(
            200,
          );
      } finally {
        await limited.close();
      }
    });
  });

  describe("pages (HTML, no script needed)", () => {
    const page = async (url: string) => {
      const response = await web.app.inject({ method: "GET", url });
      return { status: response.statusCode, html: response.body, headers: response.headers };
    };

    it("/history shows the filtered list, keeps filters in the older link, and ignores empty form fields", async () => {
      const all = await page("/history?q=&surface=&model=&minTemperature=&maxTemperature=&from=&to=&sort=new&limit=2");
      expect(all.status).toBe(200);
      expect(all.html).toMatch(/rel="next" href="\/history\?sort=new&amp;limit=2&amp;cursor=n\d+"/);
      const fire = await page("/history?q=fire");
      expect(fire.html).toContain(`href="/p/${id.a}"`);
      expect(fire.html).toContain(`href="/p/${id.d}"`);
      expect(fire.html).not.toContain(`href="/p/${id.c}"`);
      expect(fire.html).toContain("👍</span> 3");
      const bad = await page("/history?limit=0");
      expect(bad.status).toBe(400);
      expect(bad.html).toContain("Write a whole number from 1 to the page limit.");
    });

    it("/history says in words, beside the filter, what is wrong with it (never the validator's text)", async () => {
      const bad = await page("/history?minTemperature=warm&q=king");
      expect(bad.status).toBe(400);
      expect(bad.html).toMatch(
        /<label class="invalid">T from <input[^>]*name="minTemperature"[^>]*value="warm"[^>]*aria-invalid="true"[^>]*><span class="field-error" id="error-minTemperature">Write a number from 0 to 100, such as 0\.8\.<\/span><\/label>/,
      );
      expect(bad.html).toContain('value="king"'); // the other filters kept as typed
      expect(bad.html).not.toMatch(/querystring|must be number|Something went wrong/);
      const dates = await page("/history?from=2026-02-30");
      expect(dates.status).toBe(400);
      expect(dates.html).toMatch(/id="error-from">from &quot;2026-02-30&quot; is not a date/);
      const range = await page("/history?minTemperature=1.5&maxTemperature=0.5");
      expect(range.html).toMatch(/id="error-maxTemperature">minTemperature must not exceed maxTemperature/);
    });

    it("asking without script: the form's POST lands on the new prophecy's page; a mistake comes back in the answer's place", async () => {
      const asked = await web.app.inject({
        method: "POST",
        url: "/ask",
        payload: "temperature=1.3&about=the",
        headers: { "content-type": "application/x-www-form-urlencoded" },
      });
      expect(asked.statusCode).toBe(303);
      const target = asked.headers.location as string;
      expect(target).toMatch(/^\/p\/\d+$/);
      const stored = await getDb().prisma.prophecy.findUnique({ where: { id: Number(target.slice(3)) } });
      expect(stored).toMatchObject({ surface: "web", temperature: 1.3, about: "the", requestedBy: "127.0.0.1" });
      const shown = await page(target);
      expect(shown.html).toContain("<dt>Starting words</dt><dd>the</dd>");

      const refused = await web.app.inject({
        method: "POST",
        url: "/ask",
        payload: "temperature=1.3&about=zyzzyva",
        headers: { "content-type": "application/x-www-form-urlencoded" },
      });
      expect(refused.statusCode).toBe(400);
      expect(refused.body).toMatch(
        /<section id="answer" aria-live="polite"><p class="error" role="alert">[^<]*zyzzyva/,
      );
      expect(refused.body).toContain('value="zyzzyva"'); // the form keeps what was typed
      expect(refused.body).toMatch(/<output id="temperature-value" for="temperature">1\.3<\/output>/);
    });

    it("an unknown address is the site's own 404 page; /favicon.ico is the icon", async () => {
      const missing = await page("/nope/deeper?x=1");
      expect(missing.status).toBe(404);
      expect(missing.headers["content-type"]).toMatch(/^text\/html/);
      expect(missing.html).toContain('<header class="top">');
      expect(missing.html).toContain("<h1>Not found</h1>");
      expect(missing.html).toContain("There is no page at /nope/deeper.");
      expect((await page("/p/abc")).status).toBe(404);
      const api = await page("/api/nope");
      expect(api.status).toBe(404);
      expect((JSON.parse(api.html) as { error: string }).error).toMatch(/No such API route/);
      const icon = await page("/favicon.ico");
      expect(icon.status).toBe(200);
      expect(icon.headers["content-type"]).toBe("image/svg+xml");
      expect(icon.html).toContain("<svg");
    });

    it("compresses what it sends and lets browsers keep static files for a year (their URLs carry a hash)", async () => {
      const home = await page("/");
      const css = /href="(\/static\/app\.css\?v=[0-9a-f]{12})"/.exec(home.html)![1];
      expect(home.html).toMatch(
        /<link rel="icon" type="image\/svg\+xml" href="\/static\/favicon\.svg\?v=[0-9a-f]{12}">/,
      );
      for (const url of [css, "/static/uplot.js"]) {
        const response = await web.app.inject({ url, headers: { "accept-encoding": "gzip, br" } });
        expect(response.statusCode).toBe(200);
        expect(response.headers["content-encoding"]).toMatch(/^(br|gzip)$/);
        expect(response.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
      }
      const uplot = await web.app.inject({ url: "/static/uplot.js", headers: { "accept-encoding": "gzip" } });
      const plain = await web.app.inject({ url: "/static/uplot.js" });
      expect(uplot.headers["content-encoding"]).toBe("gzip");
      expect(uplot.rawPayload.length).toBeLessThan(plain.rawPayload.length / 2);
      const history = await web.app.inject({ url: "/history", headers: { "accept-encoding": "gzip" } });
      expect(history.headers["content-encoding"]).toBe("gzip");
      const api = await web.app.inject({ url: "/api/prophecies", headers: { "accept-encoding": "gzip" } });
      expect(api.headers["content-encoding"]).toBe("gzip");
    });

    it("escapes user text everywhere it is shown", async () => {
      for (const url of [`/p/${id.x}`, "/history", "/history?q=%3Cscript%3E%20alert"]) {
        const { html } = await page(url);
        expect(html).not.toContain("<script>alert(1)</script>");
        if (!url.includes("q="))
          expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;");
      }
      const searched = await page("/history?q=%22%3E%3Cimg%20src%3Dx%3E");
      expect(searched.html).not.toContain("<img src=x>");
      expect(searched.html).toContain("&quot;&gt;&lt;img src=x&gt;");
    });

    it("/p/:id has the quatrain; unknown ids are a 404 page; every page forbids other hosts", async () => {
      const one = await page(`/p/${id.b}`);
      expect(one.status).toBe(200);
      expect(one.html).toContain("A great famine");
      expect(one.headers["content-security-policy"]).toContain("default-src 'self'");
      expect((await page("/p/999999")).status).toBe(404);
      for (const url of ["/", "/models", "/history"]) {
        const { status, html } = await page(url);
        expect(status).toBe(200);
        expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
      }
      const uplot = await page("/static/uplot.js");
      expect(uplot.status).toBe(200);
      expect(uplot.html).toContain("uPlot");
    });
  });
});

describeEachDatabase("web API limits and tokens", (getDb: () => Db) => {
  let version: number;
  beforeAll(async () => {
    version = await createModelVersion(getDb(), sampleModelVersion(), { promote: { by: "test", reason: "fixture" } });
    await seedProphecy(getDb(), { modelVersion: version });
  });

  it("refuses admin actions when no admin token is configured", async () => {
    const web = await startWeb(getDb(), { web: { adminToken: undefined } });
    try {
      const response = await web.app.inject({ method: "POST", url: "/api/rollback", headers: admin, payload: {} });
      expect(response.statusCode).toBe(403);
      expect(response.json<{ error: string }>().error).toContain("WEB_ADMIN_TOKEN");
    } finally {
      await web.close();
    }
  });

  it("requires the read token when one is configured (bearer, or ?token= kept in a cookie)", async () => {
    const web = await startWeb(getDb(), { web: { readToken: "reader-secret" } });
    try {
      expect((await web.app.inject({ url: "/api/prophecies" })).statusCode).toBe(401);
      expect((await web.app.inject({ url: "/history" })).statusCode).toBe(401);
      expect(
        (await web.app.inject({ url: "/api/prophecies", headers: { authorization: "Bearer wrong-secret" } }))
          .statusCode,
      ).toBe(401);
      expect(
        (await web.app.inject({ url: "/api/prophecies", headers: { authorization: "Bearer reader-secret" } }))
          .statusCode,
      ).toBe(200);
      expect((await web.app.inject({ url: "/api/prophecies", headers: admin })).statusCode).toBe(200);
      const login = await web.app.inject({ url: "/history?token=reader-secret&q=king" });
      expect(login.statusCode).toBe(303);
      expect(login.headers.location).toBe("/history?q=king");
      const cookie = String(login.headers["set-cookie"]).split(";")[0];
      expect((await web.app.inject({ url: "/history?q=king", headers: { cookie } })).statusCode).toBe(200);
      expect((await web.app.inject({ url: "/static/app.css" })).statusCode).toBe(200);
      expect((await web.app.inject({ url: "/healthz" })).statusCode).toBe(200);
    } finally {
      await web.close();
    }
  });
});
