import { Command } from "commander";
import type { CliContext } from "../context.ts";

/** `oracle trainer`: the long-running trainer service (schedule, queue, lease). */
export const trainerCommand = (ctx: CliContext) =>
  new Command("trainer")
    .description("run the trainer service: nightly retraining and queued retrain jobs")
    .action(async () => {
      const config = ctx.config();
      const { trainerProcess } = await import("../../app/trainer.ts");
      // The service logs "trainer service started" itself, with the next scheduled run.
      const handle = await trainerProcess(config, { log: ctx.log() });
      // SIGTERM/SIGINT stop it (after the current batch) and exit the process.
      await handle.stopped;
    });
