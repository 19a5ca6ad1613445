import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { expect, it } from "vitest";
import { createModelVersion, currentModelVersion, listPromotions } from "../../../core/db/model-versions.ts";
import { describeEachDatabase, sampleModelVersion } from "../../helpers/db.ts";
import { projectRoot } from "../../helpers/paths.ts";

const run = promisify(execFile);

describeEachDatabase("model registry shared by two processes", (getDb) => {
  it("promotions from two processes at once all land, one at a time", async () => {
    const db = getDb();
    const versions: number[] = [];
    for (let i = 0; i < 12; i++) versions.push(await createModelVersion(db, sampleModelVersion()));
    const startAt = String(Date.now() + 1500);
    const child = (mine: number[]) =>
      run(
        process.execPath,
        [
          "--import",
          "tsx",
          path.join(projectRoot, "test/core/db/fixtures/promote-many.ts"),
          db.url,
          startAt,
          ...mine.map(String),
        ],
        { cwd: projectRoot },
      );
    const results = await Promise.all([child(versions.slice(0, 6)), child(versions.slice(6))]);
    expect(results.map((r) => r.stdout)).toEqual(["done", "done"]);

    const log = await listPromotions(db);
    expect(log.map((p) => p.version).sort((a, b) => a - b)).toEqual(versions);
    // Each process's promotions keep their order in the one log.
    const oldestFirst = [...log].reverse();
    for (const mine of [versions.slice(0, 6), versions.slice(6)]) {
      expect(oldestFirst.filter((p) => mine.includes(p.version)).map((p) => p.version)).toEqual(mine);
    }
    expect((await currentModelVersion(db))!.version).toBe(log[0].version);
  });
});
