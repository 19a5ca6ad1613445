// A bot service process for the drain tests: the real process wiring (`oracle bot`'s botProcess, the
// CLI's error report) with the configuration from the environment, plus one test surface whose route
// takes as long as it is told to.
//   node --import tsx test/bot/bot-process.ts
import { botProcess } from "../../app/bot.ts";
import { SURFACES } from "../../bot/main.ts";
import { reportError } from "../../cli/report-error.ts";
import { loadConfig } from "../../config/schema.ts";
import type { SurfaceFactory } from "../../bot/surface.ts";

const slowSurface: SurfaceFactory = (deps) => ({
  name: "slow",
  async register(app) {
    app.get<{ Querystring: { ms?: string } }>("/test/slow", async (request) =>
      deps.runCommand({ surface: "web", command: "GET /test/slow", user: request.ip }, async () => {
        const ms = Number(request.query.ms ?? 1000);
        deps.log.info({ ms }, "slow request started");
        await new Promise((r) => setTimeout(r, ms));
        return { sleptMs: ms, finishedAt: Date.now() };
      }),
    );
  },
});

try {
  await botProcess(loadConfig(process.env), { surfaces: [...SURFACES, slowSurface] });
} catch (err) {
  process.exit(reportError(err, process.stderr));
}
