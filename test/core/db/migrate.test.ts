import { execFile } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import Database from "better-sqlite3";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { UserError } from "../../../core/errors.ts";
import { appliedMigrations, migrate, migrationStatus } from "../../../core/db/migrate.ts";
import { checksumOf, defaultMigrationsDir, readMigrations } from "../../../core/db/migrations.ts";
import { sqlitePath } from "../../../core/db/provider.ts";
import { scratchDatabase, testProviders, type ScratchDatabase } from "../../helpers/db.ts";
import { projectRoot } from "../../helpers/paths.ts";

const run = promisify(execFile);

/** Runs one SQL statement on the scratch database with the raw driver. */
async function exec(db: ScratchDatabase, sql: string): Promise<unknown[]> {
  if (db.provider === "sqlite") {
    const conn = new Database(sqlitePath(db.url));
    try {
      return /^\s*(select|pragma)/i.test(sql) ? conn.prepare(sql).all() : (conn.exec(sql), []);
    } finally {
      conn.close();
    }
  }
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    return (await client.query<Record<string, unknown>>(sql)).rows;
  } finally {
    await client.end();
  }
}

/** The committed migrations plus one more, in a temp folder. */
function migrationsWithExtra(provider: ScratchDatabase["provider"], name: string, sql: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), "oracle-migrations-"));
  cpSync(defaultMigrationsDir(provider), dir, { recursive: true });
  mkdirSync(path.join(dir, name));
  writeFileSync(path.join(dir, name, "migration.sql"), sql);
  cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function scratch(provider: ScratchDatabase["provider"]): Promise<ScratchDatabase> {
  const db = await scratchDatabase(provider);
  cleanups.push(() => db.drop());
  return db;
}

const committed = (provider: ScratchDatabase["provider"]) => readMigrations(defaultMigrationsDir(provider));

describe.each(testProviders)("migrate [%s]", (provider) => {
  it("has committed migrations to apply", () => {
    expect(committed(provider).length).toBeGreaterThan(0);
  });

  it("applies every committed migration to an empty database, then nothing on a second run", async () => {
    const db = await scratch(provider);
    const names = committed(provider).map((m) => m.name);
    expect((await migrationStatus(db)).pending).toEqual(names);

    expect(await migrate(db)).toEqual(names);
    expect(await migrate(db)).toEqual([]);

    const status = await migrationStatus(db);
    expect(status).toMatchObject({
      applied: names,
      pending: [],
      failed: [],
      modified: [],
      unknown: [],
      upToDate: true,
    });
    const tables =
      provider === "sqlite"
        ? await exec(db, "SELECT name FROM sqlite_master WHERE type = 'table'")
        : await exec(db, "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'");
    expect(tables.map((t) => (t as { name: string }).name)).toEqual(
      expect.arrayContaining([
        "ModelVersion",
        "Promotion",
        "TrainingJob",
        "JobEpoch",
        "Lease",
        "Prophecy",
        "_prisma_migrations",
      ]),
    );
  });

  it("records _prisma_migrations rows as Prisma Migrate does (sha256 checksum of migration.sql)", async () => {
    const db = await scratch(provider);
    const before = Date.now();
    await migrate(db);
    const rows = await appliedMigrations(db);
    expect(rows).toHaveLength(committed(provider).length);
    for (const [i, migration] of committed(provider).entries()) {
      const file = readFileSync(path.join(defaultMigrationsDir(provider), migration.name, "migration.sql"));
      const row = rows[i];
      expect(row.migrationName).toBe(migration.name);
      expect(row.checksum).toBe(checksumOf(file));
      expect(row.checksum).toMatch(/^[0-9a-f]{64}$/);
      expect(row.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(row.appliedStepsCount).toBe(1);
      expect(row.logs).toBeNull();
      expect(row.rolledBackAt).toBeNull();
      expect(row.finishedAt!.getTime()).toBeGreaterThanOrEqual(row.startedAt.getTime());
      expect(row.startedAt.getTime()).toBeGreaterThanOrEqual(before - 1000);
    }
  });

  it("is safe when two processes migrate the same empty database at once", async () => {
    const db = await scratch(provider);
    const startAt = String(Date.now() + 1500);
    // A slow extra migration widens the window in which the two could collide.
    const slow =
      provider === "sqlite"
        ? 'CREATE TABLE "Slow" (id INTEGER); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300000) INSERT INTO "Slow" SELECT i FROM n;'
        : 'CREATE TABLE "Slow" (id INTEGER); SELECT pg_sleep(0.5);';
    const dir = migrationsWithExtra(provider, "99990101000000_slow", slow);
    const child = () =>
      run(
        process.execPath,
        ["--import", "tsx", path.join(projectRoot, "test/core/db/fixtures/migrate-once.ts"), db.url, startAt, dir],
        { cwd: projectRoot },
      );
    const results = await Promise.all([child(), child()]);
    const applied = results.map((r) => JSON.parse(r.stdout) as string[]);

    const all = readMigrations(dir).map((m) => m.name);
    // One process applied everything; the other waited for the lock and found nothing left.
    expect(applied.map((a) => a.length).sort()).toEqual([0, all.length]);
    const rows = await appliedMigrations(db);
    expect(rows.map((r) => r.migrationName).sort()).toEqual([...all].sort());
    expect((await migrationStatus(db, { migrationsDir: dir })).upToDate).toBe(true);
  });

  it("applies a new migration on top of applied ones", async () => {
    const db = await scratch(provider);
    await migrate(db);
    const dir = migrationsWithExtra(
      provider,
      "99990101000000_add_note",
      'CREATE TABLE "Note" ("id" INTEGER NOT NULL PRIMARY KEY);',
    );
    expect((await migrationStatus(db, { migrationsDir: dir })).pending).toEqual(["99990101000000_add_note"]);
    expect(await migrate(db, { migrationsDir: dir })).toEqual(["99990101000000_add_note"]);
    expect(await exec(db, 'SELECT * FROM "Note"')).toEqual([]);
  });

  it("rolls a failing migration back completely and records nothing", async () => {
    const db = await scratch(provider);
    await migrate(db);
    const dir = migrationsWithExtra(
      provider,
      "99990101000000_broken",
      'CREATE TABLE "Half" ("id" INTEGER);\nTHIS IS NOT SQL;',
    );
    await expect(migrate(db, { migrationsDir: dir })).rejects.toThrow(/99990101000000_broken failed/);
    expect((await migrationStatus(db, { migrationsDir: dir })).pending).toEqual(["99990101000000_broken"]);
    await expect(exec(db, 'SELECT * FROM "Half"')).rejects.toThrow();
  });

  it("reports edited and unknown migrations, and refuses to run past a failed one", async () => {
    const db = await scratch(provider);
    await migrate(db);
    const first = committed(provider)[0].name;
    await exec(db, `UPDATE "_prisma_migrations" SET checksum = '${"0".repeat(64)}' WHERE migration_name = '${first}'`);
    await exec(
      db,
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count) VALUES ('x1', 'c', '99990101000000_from_the_future', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1)`,
    );
    expect(await migrationStatus(db)).toMatchObject({
      modified: [first],
      unknown: ["99990101000000_from_the_future"],
      upToDate: true,
    });

    const dir = migrationsWithExtra(provider, "99990101000001_stuck", 'CREATE TABLE "Stuck" ("id" INTEGER);');
    await exec(
      db,
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count) VALUES ('x2', 'c', '99990101000001_stuck', CURRENT_TIMESTAMP, 0)`,
    );
    expect(await migrationStatus(db, { migrationsDir: dir })).toMatchObject({
      failed: ["99990101000001_stuck"],
      pending: [],
      upToDate: false,
    });
    const error = await migrate(db, { migrationsDir: dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toContain("99990101000001_stuck");
  });
});

describe("migrate [sqlite] specifics", () => {
  it("creates the file, and puts it in WAL mode (only the default data folder is created: see client.test.ts)", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "oracle-wal-"));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    const url = `file:${path.join(dir, "oracle.db")}`;
    await migrate({ provider: "sqlite", url });
    const conn = new Database(sqlitePath(url));
    expect(conn.pragma("journal_mode", { simple: true })).toBe("wal");
    conn.close();
  });

  it("agrees with the real `prisma migrate status` on what is applied", async () => {
    const db = await scratch("sqlite");
    await migrate(db);
    const { stdout } = await run(
      process.execPath,
      ["scripts/prisma.mjs", "cli", "sqlite", "migrate", "status", "--schema", "prisma/sqlite/schema.prisma"],
      {
        cwd: projectRoot,
        env: { ...process.env, DATABASE_URL: db.url },
      },
    );
    expect(stdout).toContain("Database schema is up to date");
  });
});
