// Issue 18, item 5: one strict schema per API route: numbers are JSON numbers or plain decimals,
// nothing is coerced, unknown fields are refused, and the 400 names the parameter; nothing is written.
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachDatabase } from "../../helpers/db.ts";
import { ADMIN_TOKEN, startWeb, type WebServer } from "./fixture.ts";

describeEachDatabase("web API input is strict", (getDb) => {
  let web: WebServer;
  beforeAll(async () => {
    web = await startWeb(getDb(), { web: { rateLimitPerMinute: 10_000 } });
  });
  afterAll(async () => {
    await web?.close();
  });

  const written = async () => (await getDb().prisma.prophecy.count()) + (await getDb().prisma.trainingJob.count());

  it.each([
    ["temperature", '"0x1"'],
    ["temperature", '"0b1"'],
    ["temperature", '"1"'],
    ["temperature", "true"],
    ["temperature", "[1]"],
    ["temperature", "null"],
    ["about", '["king"]'],
    ["about", "7"],
  ])("POST /api/prophecies with %s = %s: 400 naming it, nothing written", async (field, raw) => {
    const before = await written();
    const res = await web.app.inject({
      method: "POST",
      url: "/api/prophecies",
      headers: { "content-type": "application/json" },
      payload: `{"${field}":${raw}}`,
    });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json<{ error: string }>().error).toContain(field);
    expect(await written()).toBe(before);
  });

  it.each(["foo", "count", "seed"])("POST /api/prophecies with the unknown field %s: 400 naming it", async (field) => {
    const res = await web.app.inject({ method: "POST", url: "/api/prophecies", payload: { [field]: 1 } });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json<{ error: string }>().error).toContain(field);
  });

  it.each(["0x1", "1e1", "+1", "01", " 1", "1.0", "-1", "0"])(
    "GET /api/prophecies/%s: 400 naming the id",
    async (id) => {
      const res = await web.app.inject({ method: "GET", url: `/api/prophecies/${encodeURIComponent(id)}` });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json<{ error: string }>().error).toContain("id");
    },
  );

  it.each([
    ["limit", "1e1"],
    ["limit", "0x10"],
    ["limit", "2.5"],
    ["model", "1e0"],
    ["minTemperature", "0x1"],
    ["maxTemperature", "1e0"],
    ["bogus", "1"],
  ])("GET /api/prophecies?%s=%s: 400 naming the parameter", async (name, value) => {
    const res = await web.app.inject({ method: "GET", url: `/api/prophecies?${name}=${encodeURIComponent(value)}` });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json<{ error: string }>().error).toContain(name);
  });

  it("plain decimals still work: ?limit=5&minTemperature=0.5, /api/prophecies/1 (404 when absent)", async () => {
    expect(
      (await web.app.inject({ method: "GET", url: "/api/prophecies?limit=5&minTemperature=0.5" })).statusCode,
    ).toBe(200);
    expect((await web.app.inject({ method: "GET", url: "/api/prophecies/999999" })).statusCode).toBe(404);
  });

  it.each([
    ["epochs", '"5"'],
    ["epochs", "10001"],
    ["reason", "[]"],
    ["by", "{}"],
    ["priority", "1"],
  ])("POST /api/retrain with %s = %s: 400 naming it, no job queued", async (field, raw) => {
    const before = await written();
    const res = await web.app.inject({
      method: "POST",
      url: "/api/retrain",
      headers: { "content-type": "application/json", authorization: `Bearer ${ADMIN_TOKEN}` },
      payload: `{"${field}":${raw}}`,
    });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json<{ error: string }>().error).toContain(field);
    expect(await written()).toBe(before);
  });
});

describeEachDatabase("web pages with ids no row can have", (getDb) => {
  let web: WebServer;
  beforeAll(async () => {
    web = await startWeb(getDb());
  });
  afterAll(async () => {
    await web?.close();
  });

  // Found by the stress fuzz round: /runs/Infinity answered 500 (the page's schema let it through).
  it.each(["/runs/Infinity", "/runs/-Infinity", "/p/Infinity", "/runs/1e400", "/p/99999999999999999999"])(
    "%s is no page (4xx), never a 500",
    async (url) => {
      const res = await web.app.inject({ method: "GET", url });
      expect(res.statusCode).toBeGreaterThanOrEqual(400);
      expect(res.statusCode).toBeLessThan(500);
    },
  );
});
