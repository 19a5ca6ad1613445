import { Command } from "commander";
import type { CliContext } from "../context.ts";
import { runTrainer } from "../../trainer/index.ts";

/** `oracle trainer`: the long-running trainer service (schedule, queue, lease). */
export const trainerCommand = (ctx: CliContext) =>
  new Command("trainer")
    .description("run the trainer service: nightly retraining and queued retrain jobs")
    .action(async () => {
      const handle = await runTrainer(ctx.config(), { log: ctx.log() });
      const next = handle.nextScheduledRun();
      ctx.log().info({ runner: handle.runnerId, nextScheduledRun: next?.toISOString() ?? null }, "trainer service started");
      // SIGTERM/SIGINT stop it (after the current batch) and exit the process.
      await handle.stopped;
    });
