import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { currentModelVersion, rollback } from "../../../core/db/model-versions.ts";
import type { Db } from "../../../core/db/client.ts";
import { silentLogger } from "../../../core/logger.ts";
import { isSequenceSampler } from "../../../core/model/index.ts";
import { databaseModelSource } from "../../../core/prophecy/database-model-source.ts";
import { prophesy } from "../../../core/prophecy/prophesy.ts";
import { initBackend } from "../../../core/tf/backend.ts";
import { trainVersion } from "../../../core/training/train-version.ts";
import { testConfig } from "../../helpers/config.ts";
import { freshDatabase } from "../../helpers/db.ts";

// Both architectures on one database: MODEL_PROFILE=seed still trains the window model, the
// default trains the sequence model, each version says which it is, and serving rebuilds either.
describe("window and sequence models side by side", () => {
  let fixture: { db: Db; drop(): Promise<void> };
  beforeAll(async () => {
    await initBackend({ preference: "wasm" });
    fixture = await freshDatabase("sqlite");
  });
  afterAll(async () => {
    await fixture.drop();
  });
  const deps = (profile: "seed" | "sequence") => ({
    db: fixture.db,
    config: testConfig(fixture.db.url, { model: { profile }, trainer: { promotionTolerance: 100 } }),
    log: silentLogger,
  });
  const served = async (profile: "seed" | "sequence") => {
    const models = databaseModelSource(fixture.db);
    try {
      const model = await models.current();
      const [p] = await prophesy({ models, settings: deps(profile).config.sampling }, { seed: 7 });
      return { version: model.version, sequence: isSequenceSampler(model.scorer), prophecy: p };
    } finally {
      await models.close();
    }
  };

  it("MODEL_PROFILE=seed trains the window model and serves it", async () => {
    const result = await trainVersion(deps("seed"), { maxDocuments: 40, epochs: 1 });
    expect(result.status).toBe("accepted");
    const current = await currentModelVersion(fixture.db);
    expect(current?.hyperParams).toMatchObject({ architecture: "window", phraseLength: 4, batchSize: 512 });
    const s = await served("seed");
    expect(s).toMatchObject({ version: result.version, sequence: false });
    expect(s.prophecy.lines).toHaveLength(4);
  });

  it("the default trains the sequence model (no warm start from a window version), gated against the window model on the same quatrains, and serves it; the window version still serves after a rollback", async () => {
    const result = await trainVersion(deps("sequence"), { maxDocuments: 40, epochs: 1 });
    expect(result.warmStarted).toBe(false);
    // Same corpus and vocabulary: compared on loss with the window version, re-measured on these validation quatrains.
    expect(result.reason).toMatch(/validation loss .* vs current v1's/);
    expect(result.status).toBe("accepted");
    expect((await currentModelVersion(fixture.db))?.hyperParams).toMatchObject({ architecture: "sequence" });
    const s = await served("sequence");
    expect(s).toMatchObject({ version: result.version, sequence: true });
    expect(s.prophecy.lines).toHaveLength(4);
    expect(s.prophecy.text.length).toBeGreaterThan(20);

    await rollback(fixture.db, "test");
    expect(await served("sequence")).toMatchObject({ version: 1, sequence: false });
  });
});
