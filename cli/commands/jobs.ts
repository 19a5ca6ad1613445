import { Command } from "commander";
import type { CliContext } from "../context.ts";
import { positiveInt } from "../options.ts";
import { enqueueJob, jobJson, listJobs, requestCancel, type Job } from "../../core/db/jobs.ts";
import { quoteUserText } from "../../config/text/escape.ts";

const line = (j: Job) =>
  [
    `#${j.id}`.padEnd(6),
    j.state.padEnd(9),
    j.queuedAt.slice(0, 19).replace("T", " "),
    `by ${quoteUserText(j.requestedBy, { maxLength: 40 })}`,
    quoteUserText(j.reason, { maxLength: 80 }),
    j.allowCorpusChange ? "corpus change allowed" : "",
    j.state === "running" || j.epochsDone ? `epochs ${j.epochsDone}${j.epochs ? `/${j.epochs}` : ""}` : "",
    j.version ? `→ v${j.version}` : "",
    j.backend ?? "",
    j.error ? `— ${j.error}` : "",
  ]
    .filter(Boolean)
    .join("  ");

/** `oracle retrain`: queue a training job for the trainer service. */
export const retrainCommand = (ctx: CliContext) =>
  new Command("retrain")
    .description("queue a training job (the trainer service starts it within seconds)")
    .option("--reason <text>", "why", "requested from the command line")
    .option("--by <who>", "who asks", undefined)
    .option("--epochs <n>", "epochs (default: TRAIN_EPOCHS)", positiveInt("--epochs"))
    .option("--allow-corpus-change", "let a model of another corpus or vocabulary become current (recorded on the job)")
    .option("--json", "print the job as JSON")
    .action(
      async (flags: { reason: string; by?: string; epochs?: number; json?: boolean; allowCorpusChange?: boolean }) => {
        const job = await enqueueJob(await ctx.db(), {
          requestedBy: flags.by ?? ctx.user,
          reason: flags.reason,
          epochs: flags.epochs,
          allowCorpusChange: flags.allowCorpusChange,
        });
        ctx.stdout.write(flags.json ? `${JSON.stringify(jobJson(job))}\n` : `queued job #${job.id}\n`);
      },
    );

/** `oracle jobs`: the training jobs, newest first. */
export const jobsCommand = (ctx: CliContext) =>
  new Command("jobs")
    .description("list training jobs, newest first")
    .option("--limit <n>", "how many", positiveInt("--limit"), 20)
    .option("--json", "print JSON")
    .action(async (flags: { limit: number; json?: boolean }) => {
      const jobs = await listJobs(await ctx.db(), { limit: flags.limit });
      if (flags.json) ctx.stdout.write(`${JSON.stringify({ jobs: jobs.map(jobJson) })}\n`);
      else ctx.stdout.write(jobs.length ? `${jobs.map(line).join("\n")}\n` : "no training jobs yet\n");
    });

/** `oracle cancel JOB`: cancel a queued job now, a running one after its current batch. */
export const cancelCommand = (ctx: CliContext) =>
  new Command("cancel")
    .description("cancel a queued job, or stop a running one after its current batch")
    .argument("<job>", "job id", positiveInt("job"))
    .action(async (id: number) => {
      const job = await requestCancel(await ctx.db(), id);
      ctx.stdout.write(
        job.state === "cancelled" ? `job #${id} cancelled\n` : `job #${id} will stop after its current batch\n`,
      );
    });
