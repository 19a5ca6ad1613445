import { randomBytes } from "node:crypto";
import { beforeEach, expect, it } from "vitest";
import {
  createModelVersion,
  currentModelVersion,
  dropWeights,
  everCurrentVersions,
  getModelVersion,
  listModelVersions,
  listPromotions,
  promote,
  rollback,
} from "../../../core/db/model-versions.ts";
import { UserError } from "../../../core/errors.ts";
import { clearDatabase, describeEachDatabase, sampleModelVersion } from "../../helpers/db.ts";

const isPlainUint8Array = (value: unknown) =>
  value instanceof Uint8Array && Object.getPrototypeOf(value) === Uint8Array.prototype;

async function userErrorOf(promise: Promise<unknown>): Promise<UserError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UserError);
  return error as UserError;
}

describeEachDatabase("model versions", (getDb) => {
  beforeEach(async () => clearDatabase(getDb()));

  it("stores a version and loads back every field, blobs as plain Uint8Array", async () => {
    const db = getDb();
    const data = sampleModelVersion({ jobId: 7 });
    const version = await createModelVersion(db, data);
    const loaded = await getModelVersion(db, version, { withWeights: true, withCorpusIds: true });
    expect(loaded).toMatchObject({
      version,
      status: "accepted",
      rejectReason: null,
      jobId: 7,
      topology: data.topology,
      weightSpecs: data.weightSpecs,
      vocabulary: data.vocabulary,
      casing: data.casing,
      hyperParams: data.hyperParams,
      corpusSha256: data.corpusSha256,
      corpusDocuments: 1,
      gloveSource: "wink",
      gloveCoverage: 0.9,
      backend: "cpu",
      epochs: data.epochs,
      loss: 5.1,
      valLoss: 5.3,
      valAcc: 0.09,
      evaluation: data.evaluation,
      hasWeights: true,
      isCurrent: false,
    });
    expect(loaded!.trainingStartedAt).toEqual(data.trainingStartedAt);
    expect(loaded!.trainingFinishedAt).toEqual(data.trainingFinishedAt);
    expect(loaded!.createdAt).toBeInstanceOf(Date);
    expect(isPlainUint8Array(loaded!.weights)).toBe(true);
    expect(isPlainUint8Array(loaded!.corpusIds)).toBe(true);
    expect(Array.from(loaded!.weights!)).toEqual(Array.from(data.weights));
    expect(Array.from(new Int32Array(loaded!.corpusIds!.slice().buffer))).toEqual([0, 1, 2, 4, 0]);
  });

  it("round-trips a 5 MB weights blob byte for byte", async () => {
    const db = getDb();
    const weights = new Uint8Array(randomBytes(5 * 1024 * 1024));
    const version = await createModelVersion(db, sampleModelVersion({ weights }));
    const loaded = await getModelVersion(db, version, { withWeights: true });
    expect(loaded!.weights!.byteLength).toBe(weights.byteLength);
    expect(Buffer.compare(Buffer.from(loaded!.weights!), Buffer.from(weights))).toBe(0);
  });

  it("leaves the blobs out unless asked, and says whether weights are stored", async () => {
    const db = getDb();
    const version = await createModelVersion(db, sampleModelVersion());
    const light = await getModelVersion(db, version);
    expect(light).toMatchObject({ weights: null, corpusIds: null, hasWeights: true });
    expect(await getModelVersion(db, version + 1000)).toBeNull();
  });

  it("numbers versions in order and lists them oldest first without blobs", async () => {
    const db = getDb();
    const a = await createModelVersion(db, sampleModelVersion());
    const b = await createModelVersion(db, sampleModelVersion({ status: "rejected", rejectReason: "worse" }), {
      promote: undefined,
    });
    expect(b).toBeGreaterThan(a);
    await promote(db, a, "admin", "first");
    const list = await listModelVersions(db);
    expect(list.map((v) => v.version)).toEqual([a, b]);
    expect(list.map((v) => v.isCurrent)).toEqual([true, false]);
    expect(list[1]).toMatchObject({ status: "rejected", rejectReason: "worse", hasWeights: true });
    for (const item of list) {
      expect(item).not.toHaveProperty("weights");
      expect(item).not.toHaveProperty("vocabulary");
      expect(item).not.toHaveProperty("corpusIds");
    }
  });

  it("has no current version before the first promotion; createModelVersion can promote at once", async () => {
    const db = getDb();
    expect(await currentModelVersion(db)).toBeNull();
    const version = await createModelVersion(db, sampleModelVersion(), {
      promote: { by: "trainer", reason: "passed the gate" },
    });
    const current = await currentModelVersion(db, { withWeights: true });
    expect(current).toMatchObject({ version, isCurrent: true, hasWeights: true });
    expect(current!.weights).not.toBeNull();
    expect((await listPromotions(db))[0]).toMatchObject({
      version,
      promotedBy: "trainer",
      reason: "passed the gate",
      rolledBackAt: null,
    });
  });

  it("promote makes a version current; promoting the current one again changes nothing", async () => {
    const db = getDb();
    const a = await createModelVersion(db, sampleModelVersion(), { promote: { by: "trainer", reason: "first" } });
    const b = await createModelVersion(db, sampleModelVersion());
    const promotion = await promote(db, b, "alice", "better samples");
    expect(promotion).toMatchObject({ version: b, promotedBy: "alice", reason: "better samples" });
    expect((await currentModelVersion(db))!.version).toBe(b);
    expect((await promote(db, b, "bob", "again")).id).toBe(promotion.id);
    expect(await listPromotions(db)).toHaveLength(2);
    expect(await rollback(db, "carol")).toBe(a);
  });

  it("says when the version is already current, and records no promotion (nor its reason)", async () => {
    const db = getDb();
    const a = await createModelVersion(db, sampleModelVersion(), { promote: { by: "trainer", reason: "first" } });
    const again = await promote(db, a, "alice", "because I said so");
    expect(again.alreadyCurrent).toBe(true);
    expect(await listPromotions(db)).toHaveLength(1);
    expect((await listPromotions(db)).map((p) => p.reason)).not.toContain("because I said so");
    expect(
      (await promote(db, await createModelVersion(db, sampleModelVersion()), "alice", "newer")).alreadyCurrent,
    ).toBe(false);
  });

  it("promotes a version the gate rejected only with force, and marks it forced", async () => {
    const db = getDb();
    await createModelVersion(db, sampleModelVersion(), { promote: { by: "trainer", reason: "first" } });
    const rejected = await createModelVersion(
      db,
      sampleModelVersion({ status: "rejected", rejectReason: "trained on another corpus" }),
    );
    const refused = await userErrorOf(promote(db, rejected, "alice", "looks fine"));
    expect(refused.message).toMatch(
      new RegExp(`Model version ${rejected} was rejected by the promotion gate: trained on another corpus`),
    );
    expect(refused.hint).toMatch(new RegExp(`oracle promote ${rejected} --force`));
    expect((await listModelVersions(db)).find((v) => v.version === rejected)).toMatchObject({
      forced: false,
      isCurrent: false,
    });

    const forced = await promote(db, rejected, "alice", "looks fine", { force: true });
    expect(forced).toMatchObject({
      version: rejected,
      forced: true,
      alreadyCurrent: false,
      reason: "looks fine (forced past the gate's rejection)",
    });
    expect((await listModelVersions(db)).find((v) => v.version === rejected)).toMatchObject({
      forced: true,
      isCurrent: true,
      status: "rejected",
    });
    expect((await getModelVersion(db, rejected))?.forced).toBe(true);
  });

  it("rollback returns to the previously current version, step by step, until there is none", async () => {
    const db = getDb();
    const [v1, v2, v3] = [
      await createModelVersion(db, sampleModelVersion()),
      await createModelVersion(db, sampleModelVersion()),
      await createModelVersion(db, sampleModelVersion()),
    ];
    await promote(db, v1, "trainer", "gate");
    await promote(db, v2, "trainer", "gate");
    await promote(db, v3, "trainer", "gate");
    expect(await rollback(db, "alice")).toBe(v2);
    expect((await currentModelVersion(db))!.version).toBe(v2);
    expect((await listPromotions(db))[0]).toMatchObject({ version: v3, rolledBackBy: "alice" });
    expect((await listPromotions(db))[0].rolledBackAt).toBeInstanceOf(Date);
    expect(await rollback(db, "alice")).toBe(v1);
    const error = await userErrorOf(rollback(db, "alice"));
    expect(error.message).toMatch(/nothing to roll back to/);
    expect((await currentModelVersion(db))!.version).toBe(v1);
  });

  it("after a rollback, a new promotion is current and rolling it back returns to the restored version", async () => {
    const db = getDb();
    const v1 = await createModelVersion(db, sampleModelVersion(), { promote: { by: "t", reason: "r" } });
    const v2 = await createModelVersion(db, sampleModelVersion(), { promote: { by: "t", reason: "r" } });
    expect(await rollback(db, "a")).toBe(v1);
    const v3 = await createModelVersion(db, sampleModelVersion(), { promote: { by: "t", reason: "r" } });
    expect((await currentModelVersion(db))!.version).toBe(v3);
    expect(await rollback(db, "a")).toBe(v1);
    expect(v2).toBeGreaterThan(v1);
  });

  it("rollback with nothing current is a UserError", async () => {
    const error = await userErrorOf(rollback(getDb(), "alice"));
    expect(error.message).toMatch(/No model version is current/);
  });

  it("refuses to promote a missing version or one whose weights were dropped", async () => {
    const db = getDb();
    expect((await userErrorOf(promote(db, 999_999, "a", "r"))).message).toMatch(/no model version 999999/);
    const version = await createModelVersion(db, sampleModelVersion());
    expect(await dropWeights(db, [version])).toEqual([version]);
    expect((await userErrorOf(promote(db, version, "a", "r"))).message).toMatch(/no weights/);
    expect(await currentModelVersion(db)).toBeNull();
  });

  it("dropWeights keeps metadata and never touches a version that is or ever was current", async () => {
    const db = getDb();
    const v1 = await createModelVersion(db, sampleModelVersion(), { promote: { by: "t", reason: "r" } });
    const v2 = await createModelVersion(db, sampleModelVersion(), { promote: { by: "t", reason: "r" } });
    const v3 = await createModelVersion(db, sampleModelVersion());
    const v4 = await createModelVersion(db, sampleModelVersion());
    await rollback(db, "a"); // v2 was current once: still protected
    expect(await everCurrentVersions(db)).toEqual([v1, v2]);
    expect(await dropWeights(db, [v1, v2, v3])).toEqual([v3]);
    expect(await dropWeights(db, [v3])).toEqual([]);
    const list = await listModelVersions(db);
    expect(list.map((v) => [v.version, v.hasWeights])).toEqual([
      [v1, true],
      [v2, true],
      [v3, false],
      [v4, true],
    ]);
    expect(await getModelVersion(db, v3, { withWeights: true })).toMatchObject({
      weights: null,
      hasWeights: false,
      valLoss: 5.3,
    });
  });

  it("concurrent promotions all land and leave exactly one current version", async () => {
    const db = getDb();
    const versions = [];
    for (let i = 0; i < 4; i++) versions.push(await createModelVersion(db, sampleModelVersion()));
    await Promise.all(versions.map((v) => promote(db, v, "race", "concurrent")));
    const log = await listPromotions(db);
    expect(log.map((p) => p.version).sort()).toEqual([...versions].sort());
    expect((await currentModelVersion(db))!.version).toBe(log[0].version);
    expect((await listModelVersions(db)).filter((v) => v.isCurrent)).toHaveLength(1);
  });
});
