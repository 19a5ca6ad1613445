import { Command } from "commander";
import type { CliContext } from "../context.ts";

/** `oracle serve` (`npm start`): trainer and bot service in one process, on the configured database. */
export const serveCommand = (ctx: CliContext) =>
  new Command("serve")
    .alias("start")
    .description(
      "run the whole oracle in one process: the trainer (schedule, jobs, the first model) and the bot service with every configured surface and the web page",
    )
    .action(async () => {
      // Imported here: the trainer and the bot load tfjs, which other commands' cheap checks must not wait for.
      const { serveProcess } = await import("../../app/serve.ts");
      await serveProcess(ctx.config(), { log: ctx.log() });
      // SIGTERM/SIGINT stop both services and exit the process; until then it serves.
      await new Promise<never>(() => {});
    });
