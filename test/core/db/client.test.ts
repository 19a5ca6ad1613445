import { existsSync, mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase, type Db } from "../../../core/db/client.ts";
import { UserError } from "../../../core/errors.ts";
import { scratchPostgres, skipPostgres } from "../../helpers/db.ts";
import { testPostgresAdminUrl } from "../../helpers/paths.ts";

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function userErrorOf(promise: Promise<unknown>): Promise<UserError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UserError);
  return error as UserError;
}

const opened: Db[] = [];
const dirs: string[] = [];
afterAll(async () => {
  for (const db of opened) await db.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "oracle-client-"));
  dirs.push(dir);
  return dir;
}

describe("openDatabase [sqlite]", () => {
  it("refuses an explicit path in a missing folder and creates nothing (only the default data folder is created)", async () => {
    const base = tempDir();
    const error = await userErrorOf(openDatabase(`file:${path.join(base, "a", "b", "oracle.db")}`));
    expect(error.message).toBe(`The folder of the SQLite database does not exist: ${path.join(base, "a", "b")}`);
    expect(existsSync(path.join(base, "a"))).toBe(false);
  });

  it("creates the file on first use, migrates it, and two clients share it", async () => {
    const file = path.join(tempDir(), "oracle.db");
    const url = `file:${file}`;
    const first = await openDatabase(url);
    opened.push(first);
    expect(existsSync(file)).toBe(true);
    expect(first.provider).toBe("sqlite");
    expect(first.url).toBe(url);

    const second = await openDatabase(url);
    opened.push(second);
    await first.prisma.lease.create({
      data: { name: "x", holder: "h", acquiredAt: new Date(), renewedAt: new Date(), expiresAt: new Date() },
    });
    expect(await second.prisma.lease.findUnique({ where: { name: "x" } })).toMatchObject({ holder: "h" });
  });

  it("with migrate: false, refuses a database with pending migrations", async () => {
    const error = await userErrorOf(openDatabase(`file:${path.join(tempDir(), "new.db")}`, { migrate: false }));
    expect(error.message).toMatch(/pending migration/);
    expect(error.hint).toMatch(/oracle migrate/);
  });

  it("rejects a URL that is neither file: nor postgresql:", async () => {
    const error = await userErrorOf(openDatabase("mysql://root@localhost/oracle"));
    expect(error.message).toMatch(/DATABASE_URL/);
  });
});

describe.skipIf(skipPostgres)("openDatabase [postgresql]", () => {
  it("does not migrate by default: pending migrations are a UserError saying to run oracle migrate", async () => {
    const scratch = await scratchPostgres();
    try {
      const error = await userErrorOf(openDatabase(scratch.url));
      expect(error.message).toContain(`at ${new URL(scratch.url).host}`);
      expect(error.hint).toMatch(/oracle migrate/);

      const migrated = await openDatabase(scratch.url, { migrate: true });
      await migrated.close();
      const db = await openDatabase(scratch.url);
      try {
        expect(db.provider).toBe("postgresql");
        expect(await db.prisma.modelVersion.count()).toBe(0);
      } finally {
        await db.close();
      }
    } finally {
      await scratch.drop();
    }
  });

  it("names a missing database in a UserError", async () => {
    const url = new URL(testPostgresAdminUrl);
    url.pathname = "/oracle_test_does_not_exist";
    const error = await userErrorOf(openDatabase(url.toString()));
    expect(error.message).toContain(`at ${url.host}`);
    expect(error.message).toContain("oracle_test_does_not_exist");
  });
});

describe("openDatabase on an unreachable server", () => {
  it("gives a UserError naming the host, without the password", async () => {
    const port = await closedPort();
    const error = await userErrorOf(openDatabase(`postgresql://oracle:s3cret@127.0.0.1:${port}/oracle`));
    expect(error.message).toContain(`127.0.0.1:${port}`);
    expect(error.message).not.toContain("s3cret");
    expect(error.hint).toBeTruthy();
  });
});
