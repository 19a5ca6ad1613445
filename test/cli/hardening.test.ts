// What a new user tripped over (issue 8), through the real `oracle` command.
import { execFile } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { projectRoot, testCorpusPath } from "../helpers/paths.ts";
import { expectUserError, runOracle } from "../helpers/run-oracle.ts";

const dir = mkdtempSync(path.join(tmpdir(), "oracle-harden-"));
const sqlite = (name: string) => `file:${path.join(dir, `${name}.db`)}`;
const reportTfjs = `--import=${path.join(projectRoot, "test/helpers/report-tfjs.mjs")}`;

describe("number arguments are plain decimals", () => {
  const env = () => ({ DATABASE_URL: sqlite("numbers") });
  it.each([
    [
      ["prophecy", "--temperature", ""],
      /Temperature must be a number between 0.1 and 2, written as a plain decimal.*not ""/,
    ],
    [["prophecy", "--temperature", "0x1"], /Temperature must be .*plain decimal.*"0x1"/],
    [["prophecy", "--count", "1e1"], /--count must be a whole number ≥ 1 in plain digits/],
    [["train", "--epochs", "1e1"], /--epochs must be a whole number ≥ 1 in plain digits/],
    [["prophecy", "--seed", ""], /--seed must be a whole number in plain digits/],
    [["jobs", "--limit", "0x10"], /--limit must be a whole number ≥ 1 in plain digits/],
  ])("refuses %j", async (args, message) => {
    await expectUserError(args, env(), message);
  });
});

describe("cheap checks come before tfjs", () => {
  it.each([
    ["no model yet", ["prophecy"], {}, /The oracle is still learning.*\nhint: Train one: oracle train/],
    ["a bad temperature", ["prophecy", "-t", "9"], {}, /between 0.1 and 2; got 9/],
    ["a count over the limit", ["prophecy", "-n", "21"], {}, /--count must be from 1 to 20/],
    ["no corpus", ["train"], { CORPUS_PATH: "/nowhere/q.txt" }, /Corpus not found/],
    [
      "an unreachable database",
      ["prophecy"],
      { DATABASE_URL: "postgresql://postgres@127.0.0.1:1/oracle" },
      /127\.0\.0\.1:1/,
    ],
    [
      "an unreachable database (train)",
      ["train"],
      { DATABASE_URL: "postgresql://postgres@127.0.0.1:1/oracle" },
      /127\.0\.0\.1:1/,
    ],
  ] as const)("%s fails without loading tfjs or the backend", async (_, args, extra, message) => {
    const r = await expectUserError(
      ["--verbose", ...args],
      { DATABASE_URL: sqlite("cheap"), NODE_OPTIONS: reportTfjs, ...extra },
      message,
    );
    expect(r.stderr).toMatch(/\[test\] tfjs not loaded/);
    expect(r.stderr).not.toMatch(/tfjs backend/);
  });
});

describe("corpus size and GloVe source", () => {
  it("refuses a corpus too small to be one, saying how small and where it came from", async () => {
    const oneLine = path.join(dir, "one-line.txt");
    writeFileSync(oneLine, "Le grand Roy viendra d'effrayer la terre\n");
    const r = await expectUserError(
      ["train", "--corpus", oneLine],
      { DATABASE_URL: sqlite("small"), NODE_OPTIONS: reportTfjs },
      new RegExp(
        `Corpus too small to train on: ${oneLine} has 1 document\\(s\\) and \\d+ token\\(s\\); the minimum is 20 documents and 500 tokens`,
      ),
    );
    expect(r.stderr).toMatch(/\[test\] tfjs not loaded/);
  });

  it("the trainer service reports a bad GLOVE_SOURCE at start", async () => {
    await expectUserError(
      ["trainer"],
      { DATABASE_URL: sqlite("glove-trainer"), GLOVE_SOURCE: path.join(dir, "glove.6B.100d.txt") },
      /GloVe file not found/,
    );
  });

  it("says a GLOVE_SOURCE directory is a directory, before tfjs", async () => {
    const r = await expectUserError(
      ["train"],
      { DATABASE_URL: sqlite("glove"), GLOVE_SOURCE: dir, NODE_OPTIONS: reportTfjs },
      /GLOVE_SOURCE is a directory/,
    );
    expect(r.stderr).toMatch(/\[test\] tfjs not loaded/);
  });
});

describe("messages quote user input escaped", () => {
  it("escapes control characters from --temperature and from commander's own errors", async () => {
    const hostile = "fire\x01\x1b[31mblood\x07";
    const t = await expectUserError(
      ["prophecy", "-t", hostile],
      { DATABASE_URL: sqlite("esc") },
      /fire\\x01\\x1b\[31mblood\\x07/,
    );
    expect(t.stderr).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
    const n = await expectUserError(["prophecy", "--count", hostile], { DATABASE_URL: sqlite("esc") }, /--count/);
    expect(n.stderr).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
    const u = await expectUserError(["models"], { DATABASE_URL: `mysql://${hostile}` }, /mysql:\/\/fire\\x01/);
    expect(u.stderr).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
  });
});

describe("configuration errors", () => {
  it("names the setting, the value and the range", async () => {
    await expectUserError(
      ["models"],
      { DATABASE_URL: sqlite("cfg"), TRAIN_EPOCHS: "0" },
      /TRAIN_EPOCHS="0": TRAIN_EPOCHS \(training.epochs\) must be a whole number from 1 to 10000/,
    );
    await expectUserError(
      ["models"],
      { DATABASE_URL: sqlite("cfg"), TRAINER_LEASE_TIMEOUT_SECONDS: "0.5" },
      /TRAINER_LEASE_TIMEOUT_SECONDS="0.5": .* must be a number from 1 to 3600/,
    );
  });

  it("refuses a heartbeat that is not well under the lease timeout", async () => {
    await expectUserError(
      ["models"],
      { DATABASE_URL: sqlite("cfg"), TRAINER_HEARTBEAT_SECONDS: "30", TRAINER_LEASE_TIMEOUT_SECONDS: "60" },
      /TRAINER_HEARTBEAT_SECONDS=30 must be at most a third of TRAINER_LEASE_TIMEOUT_SECONDS=60/,
    );
  });
});

describe("DATABASE_URL in a missing folder", () => {
  it("is an error, and nothing is created", async () => {
    const missing = path.join(dir, "no-such-folder", "deeper");
    await expectUserError(
      ["models"],
      { DATABASE_URL: `file:${path.join(missing, "x.db")}` },
      /The folder of the SQLite database does not exist: .*no-such-folder/,
    );
    expect(existsSync(path.join(dir, "no-such-folder"))).toBe(false);
  });

  it("creates the default data folder on first use", async () => {
    const cwd = mkdtempSync(path.join(tmpdir(), "oracle-cwd-"));
    const r = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        [path.join(projectRoot, "bin/oracle.js"), "models"],
        { cwd, env: { PATH: process.env.PATH ?? "", LOG_LEVEL: "warn" } },
        (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      );
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/no model versions yet/);
    expect(existsSync(path.join(cwd, "data", "oracle.db"))).toBe(true);
  });
});

describe("help, version and setup", () => {
  it("prints the version", async () => {
    const r = await runOracle(["--version"]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(
      (JSON.parse(readFileSync(path.join(projectRoot, "package.json"), "utf8")) as { version: string }).version,
    );
  });

  it("gives the temperature range and the count limit in prophecy --help, from the configuration", async () => {
    const r = await runOracle(["prophecy", "--help"], { SAMPLING_MAX_COUNT: "7", SAMPLING_MAX_TEMPERATURE: "1.5" });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/--temperature <T>\s+sampling temperature from 0.1 to 1.5/);
    expect(r.stdout).toMatch(/--count <n>\s+how many quatrains, 1 to 7/);
  });

  it("npm run setup runs, and copying a local corpus says copied", async () => {
    const setupDir = mkdtempSync(path.join(tmpdir(), "oracle-setup-"));
    const source = path.join(setupDir, "source.txt");
    copyFileSync(testCorpusPath, source);
    mkdirSync(path.join(setupDir, "db"));
    const r = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        "npm",
        ["run", "--silent", "setup", "--", "--from", source],
        {
          cwd: projectRoot,
          env: {
            PATH: process.env.PATH ?? "",
            HOME: process.env.HOME ?? "",
            CORPUS_PATH: path.join(setupDir, "corpus", "q.txt"),
            DATABASE_URL: `file:${path.join(setupDir, "db", "o.db")}`,
            LOG_LEVEL: "warn",
          },
        },
        (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      );
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/corpus: .*q\.txt \(\d+ bytes, sha256 [0-9a-f]{64}, copied\)/);
    expect(r.stdout).not.toMatch(/downloaded/);
    expect(readFileSync(path.join(setupDir, "corpus", "q.txt"))).toEqual(readFileSync(testCorpusPath));
  });

  it("points every corpus error at oracle setup, not a missing npm script", async () => {
    const r = await expectUserError(
      ["train"],
      { DATABASE_URL: sqlite("hint"), CORPUS_PATH: "/nowhere/q.txt" },
      /oracle setup --from PATH/,
    );
    expect(r.stderr).not.toMatch(/npm run setup/);
  });
});
