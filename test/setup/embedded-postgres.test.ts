import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { skipPostgres } from "../helpers/db.ts";
import { projectRoot } from "../helpers/paths.ts";
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

describe("loadEmbeddedPostgres", () => {
  it("keeps a failing process's exit code (the package's exit hook would make it 0)", () => {
    const module = path.join(projectRoot, "test/setup/embedded-postgres.ts");
    const script = `import { loadEmbeddedPostgres } from ${JSON.stringify(pathToFileURL(module).href)};
      await loadEmbeddedPostgres(); process.exitCode = 3;`;
    const child = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      cwd: projectRoot,
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(child.stderr).toBe("");
    expect(child.status).toBe(3);
  });
});
