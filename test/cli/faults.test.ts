// Issue 18, item 9, through the real `oracle` command: `oracle config` keeps secrets out of sight; a
// DATABASE_URL naming a file that is not SQLite, or set empty, is one line and exit 1; reasons,
// names and epochs past the core's limits are refused the same way every surface refuses them.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { describeEachDatabase } from "../helpers/db.ts";
import { expectUserError, hasStackTrace, runOracle } from "../helpers/run-oracle.ts";

/** The core's limits (core/limits.ts), as every surface states them. */
const LIMITS = { reason: 500, name: 80, epochs: 10_000 };
const dir = mkdtempSync(path.join(tmpdir(), "oracle-cli-faults-"));

describe("oracle config", () => {
  it("redacts tokens, signing secrets and the password in DATABASE_URL", async () => {
    const secrets = {
      WEB_ADMIN_TOKEN: "admin-secret-0123456789",
      WEB_READ_TOKEN: "read-secret-0123",
      SLACK_BOT_TOKEN: "xoxb-secret-slack-token",
      SLACK_SIGNING_SECRET: "signing-secret-value",
      SLACK_APP_TOKEN: "xapp-secret-app-token",
      DISCORD_TOKEN: "discord.secret.token",
    };
    const r = await runOracle(["config"], {
      ...secrets,
      DATABASE_URL: "postgresql://oracle:hunter2pass@db.example:5432/oracle",
    });
    expect(r.code, r.stderr).toBe(0);
    for (const value of [...Object.values(secrets), "hunter2pass"]) expect(r.stdout).not.toContain(value);
    const shown = JSON.parse(r.stdout) as { database: { url: string }; slack: { botToken: string } };
    expect(shown.database.url).toBe("postgresql://oracle:***@db.example:5432/oracle");
    expect(shown.slack.botToken).toBe("***");
  });
});

describe("DATABASE_URL", () => {
  it("naming a file that is not SQLite: one line, exit 1", async () => {
    const notSqlite = path.join(dir, "notes.txt");
    writeFileSync(notSqlite, "these are my notes, not a database\n".repeat(100));
    const r = await expectUserError(["models"], { DATABASE_URL: `file:${notSqlite}` }, /not a SQLite database/);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.stderr.trim().split("\n").length).toBeLessThanOrEqual(2);
  });

  it("set but empty: one line, exit 1 (not the default database)", async () => {
    const r = await expectUserError(["models"], { DATABASE_URL: "" }, /DATABASE_URL is set but empty/);
    expect(r.stderr.trim().split("\n").length).toBeLessThanOrEqual(2);
    expect(hasStackTrace(r.stderr)).toBe(false);
  });
});

describeEachDatabase("oracle retrain within the core's limits", (getDb) => {
  const env = () => ({ DATABASE_URL: getDb().url });
  it.each([
    ["--reason", "r".repeat(LIMITS.reason + 1), /reason must be at most 500 characters/],
    ["--by", "b".repeat(LIMITS.name + 1), /name must be at most 80 characters/],
    ["--epochs", String(LIMITS.epochs + 1), /epochs must be at most 10000/],
  ])("%s past the limit: exit 1, no job queued", async (flag, value, message) => {
    const before = await getDb().prisma.trainingJob.count();
    await expectUserError(["retrain", flag, value], env(), message);
    expect(await getDb().prisma.trainingJob.count()).toBe(before);
  });

  it("at the limits it queues", async () => {
    const r = await runOracle(
      ["retrain", "--reason", "r".repeat(LIMITS.reason), "--by", "b".repeat(LIMITS.name), "--epochs", "10000"],
      env(),
    );
    expect(r.code, r.stderr).toBe(0);
  });

  it("promote --reason past the limit: exit 1", async () => {
    await expectUserError(["promote", "1", "--reason", "r".repeat(LIMITS.reason + 1)], env(), /reason must be at most/);
  });
});
