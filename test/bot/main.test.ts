import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, expect, it } from "vitest";
import { runBot } from "../../bot/main.ts";
import type { BotDeps } from "../../bot/surface.ts";
import { testConfig } from "../helpers/config.ts";
import { scratchSqlite, type ScratchDatabase } from "../helpers/db.ts";

let scratch: ScratchDatabase;
beforeAll(() => {
  scratch = scratchSqlite();
});
afterAll(async () => {
  await scratch.drop();
});

it("a surface whose start fails: runBot rejects with its error and leaves no server listening", async () => {
  let app: FastifyInstance | undefined;
  let deps: BotDeps | undefined;
  const config = testConfig(scratch.url, { bot: { port: 0, host: "127.0.0.1", backend: "cpu" } });
  const failing = runBot(config, {
    surfaces: [
      () => null, // settings absent: stays off
      (d) => {
        deps = d;
        return {
          name: "broken",
          async register(a) {
            app = a;
          },
          async start() {
            throw new Error("login failed: invalid token");
          },
        };
      },
    ],
  });
  await expect(failing).rejects.toThrow("login failed: invalid token");
  expect(deps?.config.bot.port).toBe(0);
  expect(typeof deps?.oracle.readiness).toBe("function");
  expect(app?.server.listening).toBe(false);
});
