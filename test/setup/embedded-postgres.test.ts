import { existsSync } from "node:fs";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { skipPostgres } from "../helpers/db.ts";
import { startEmbeddedPostgres } from "./embedded-postgres.ts";

async function version(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return (await client.query<{ server_version: string }>("show server_version")).rows[0].server_version;
  } finally {
    await client.end();
  }
}

describe.skipIf(skipPostgres)("startEmbeddedPostgres", () => {
  it("runs two servers side by side on their own ports, and stop removes each one; a wrong password is refused", async () => {
    const [a, b] = await Promise.all([startEmbeddedPostgres(), startEmbeddedPostgres()]);
    try {
      expect(a.port).not.toBe(b.port);
      expect(a.dir).not.toBe(b.dir);
      expect(await version(a.url)).toMatch(/^17\./);
      expect(await version(b.url)).toMatch(/^17\./);
    } finally {
      await a.stop();
    }
    expect(existsSync(a.dir)).toBe(false);
    await expect(version(a.url)).rejects.toThrow(/ECONNREFUSED/);
    expect(await version(b.url)).toMatch(/^17\./); // the other run is untouched
    const wrong = new URL(b.url);
    wrong.password = "wrong";
    await expect(version(wrong.toString())).rejects.toThrow(/password authentication failed/);
    await b.stop();
    expect(existsSync(b.dir)).toBe(false);
  });
});
