// The web surface on the bot's real server (buildServer), over a real database and the real serving
// core, with a tiny model trained on a slice of the corpus so asking works.
import type { FastifyInstance } from "fastify";
import type { ConfigOverrides, Config } from "../../../config/schema.ts";
import { commandRunner } from "../../../bot/command-log.ts";
import { buildServer } from "../../../bot/server.ts";
import { createTracker } from "../../../bot/tracker.ts";
import { webSurface } from "../../../bot/web/index.ts";
import type { Db } from "../../../core/db/client.ts";
import { silentLogger } from "../../../core/logger.ts";
import { createOracle } from "../../../core/oracle/oracle.ts";
import type { Oracle } from "../../../core/oracle/types.ts";
import { initBackend } from "../../../core/tf/backend.ts";
import { trainVersion } from "../../../core/training/train-version.ts";
import { testConfig } from "../../helpers/config.ts";

export const ADMIN_TOKEN = "test-admin-token-0123456789";

/** One real model version, trained on 30 quatrains for one epoch; returns its version number. */
export async function trainTinyModel(db: Db): Promise<number> {
  await initBackend({ preference: "wasm" });
  const config = testConfig(db.url, { trainer: { promotionTolerance: 10, evalSamples: 0 } });
  const result = await trainVersion({ db, config, log: silentLogger }, { maxDocuments: 30 });
  return result.version!;
}

export interface WebServer {
  app: FastifyInstance;
  oracle: Oracle;
  config: Config;
  close(): Promise<void>;
}

export async function startWeb(db: Db, overrides: ConfigOverrides = {}): Promise<WebServer> {
  const config = testConfig(db.url, { ...overrides, web: { adminToken: ADMIN_TOKEN, ...overrides?.web } });
  const oracle = createOracle({ db, config, log: silentLogger });
  const tracker = createTracker();
  const deps = { oracle, config, log: silentLogger, tracker, runCommand: commandRunner(silentLogger, tracker) };
  const surface = await webSurface(deps);
  const server = await buildServer({
    log: silentLogger,
    tracker,
    surfaces: [surface!],
    readiness: () => oracle.readiness(),
  });
  return {
    app: server.app,
    oracle,
    config,
    close: async () => {
      await server.app.close();
      await oracle.close();
    },
  };
}

export interface SeedProphecy {
  text?: string;
  temperature?: number;
  surface?: string;
  modelVersion: number;
  createdAt?: Date;
}

/** Stores a prophecy as the history would hold it (times and surfaces chosen by the test). */
export async function seedProphecy(db: Db, p: SeedProphecy): Promise<number> {
  const text = p.text ?? "the king of fire\nshall come\nfrom the east\nby night";
  const row = await db.prisma.prophecy.create({
    data: {
      text,
      lines: text.split("\n"),
      temperature: p.temperature ?? 1,
      modelVersion: p.modelVersion,
      longestCopied: 2,
      surface: p.surface ?? "discord",
      requestedBy: "tester",
      ...(p.createdAt ? { createdAt: p.createdAt } : {}),
    },
  });
  return row.id;
}

/** Reactions from `users` chat users with `emoji`, through the core as a platform would send them. */
export async function react(oracle: Oracle, prophecyId: number, emoji: string, users: number): Promise<void> {
  const ref = `msg-${prophecyId}`;
  await oracle.attachMessage(prophecyId, ref, "chan");
  for (let u = 0; u < users; u++) {
    await oracle.recordReaction({
      platform: "discord",
      messageRef: ref,
      channel: "chan",
      userId: `u${u}-${emoji}`,
      emoji,
      added: true,
      at: new Date(),
    });
  }
}
