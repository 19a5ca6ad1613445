// `.env` is read by every `oracle` command (and so `npm start`): its settings under the shell's.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { withEnvFile } from "../../config/env-file.ts";
import { runOracle } from "../helpers/run-oracle.ts";
import type { Config } from "../../config/schema.ts";

const dir = mkdtempSync(path.join(tmpdir(), "oracle-env-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe(".env", () => {
  writeFileSync(
    path.join(dir, ".env"),
    [
      "# as docker compose reads it",
      "TRAIN_EPOCHS=7",
      "SAMPLING_MAX_COUNT=9",
      'TRAINER_SCHEDULE="30 2 * * *"',
      "WEB_ADMIN_TOKEN=",
      "COMPOSE_PROFILES=cpu",
    ].join("\n"),
  );

  it("puts the file's settings beneath the environment's", () => {
    const { env, file } = withEnvFile({ SAMPLING_MAX_COUNT: "5" }, dir);
    expect(file).toBe(path.join(dir, ".env"));
    expect(env).toMatchObject({ TRAIN_EPOCHS: "7", SAMPLING_MAX_COUNT: "5", TRAINER_SCHEDULE: "30 2 * * *" });
    expect(withEnvFile({ A: "1" }, path.join(dir, "nowhere"))).toEqual({ env: { A: "1" }, file: null });
  });

  it("is read by oracle commands run where it is; a variable set in the shell wins", async () => {
    const r = await runOracle(["config"], { SAMPLING_MAX_COUNT: "5" }, { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const config = JSON.parse(r.stdout) as Config;
    expect(config.training.epochs).toBe(7);
    expect(config.trainer.schedule).toBe("30 2 * * *");
    expect(config.sampling.maxCount).toBe(5);
    expect(config.web.adminToken).toBeUndefined(); // empty: unset, as in the environment
  });

  it("a bad value in it is reported like one in the environment", async () => {
    const bad = mkdtempSync(path.join(tmpdir(), "oracle-env-bad-"));
    try {
      writeFileSync(path.join(bad, ".env"), "TRAIN_EPOCHS=lots\n");
      const r = await runOracle(["config"], {}, { cwd: bad });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/TRAIN_EPOCHS="lots": TRAIN_EPOCHS \(training\.epochs\) must be a whole number/);
    } finally {
      rmSync(bad, { recursive: true, force: true });
    }
  });
});
