import { Command } from "commander";
import type { CliContext } from "../context.ts";
import { positiveInt } from "../options.ts";
import { checkEpochs } from "../../core/limits.ts";
import { trainingProgress } from "../progress.ts";
import { watchInterrupts } from "../interrupt.ts";
import { checkGloveSource } from "../../core/glove/load.ts";
import { readTrainingCorpus } from "../../core/training/training-corpus.ts";

interface TrainFlags {
  epochs?: number;
  corpus?: string;
  json?: boolean;
  maxDocuments?: number;
  allowCorpusChange?: boolean;
}

/** `oracle train`: train a new model version now, in this process. */
export const trainCommand = (ctx: CliContext) =>
  new Command("train")
    .description("train a new model version now (it becomes current if it passes the promotion gate)")
    .option("--epochs <n>", "epochs to train (default: TRAIN_EPOCHS)", positiveInt("--epochs"))
    .option("--corpus <path>", "corpus file, one document per line (default: CORPUS_PATH)")
    .option("--max-documents <n>", "train on the first N documents only (quick checks)", positiveInt("--max-documents"))
    .option(
      "--allow-corpus-change",
      "let a model of another corpus or vocabulary become current (never compared on loss)",
    )
    .option("--json", "print one JSON object with the result at the end")
    .action(async (flags: TrainFlags) => {
      const config = ctx.config();
      checkEpochs(flags.epochs);
      // Progress lines (or the bar) tell the story; the log says only what needs attention, unless asked (ctx.log).
      const log = ctx.log();
      // Cheap checks first: no corpus, a too small one, a bad GloVe source or database fail before tfjs loads.
      const corpus = await readTrainingCorpus(flags.corpus ?? config.corpus.path, config.corpus);
      await checkGloveSource(config.glove.source);
      const db = await ctx.db();
      const [{ initBackend }, { trainVersion }, { withTrainerLease }] = await Promise.all([
        import("../../core/tf/backend.ts"),
        import("../../core/training/train-version.ts"),
        import("../../trainer/exclusive.ts"),
      ]);
      const backend = await initBackend({ preference: config.training.backend, logLevel: "debug" }, log);
      const epochs = flags.epochs ?? config.training.epochs;
      const progress = trainingProgress(ctx.stderr, epochs);
      const interrupts = watchInterrupts(ctx.stderr);
      // The same lease as the trainer service: never two trainings at once.
      const result = await withTrainerLease({ db, settings: config.trainer, log }, (lost) =>
        trainVersion(
          { db, config, log },
          {
            epochs,
            corpus,
            maxDocuments: flags.maxDocuments,
            requestedBy: "cli",
            allowCorpusChange: flags.allowCorpusChange,
            shouldStop: () => lost() || interrupts.requested(),
            onBatch: progress.onBatch,
            onEpoch: progress.onEpoch,
          },
        ).finally(() => {
          progress.stop();
          interrupts.dispose();
        }),
      );
      if (result.status === "stopped") {
        ctx.stderr.write(`training stopped after ${result.epochs.length} of ${epochs} epochs: nothing saved\n`);
        process.exitCode = interrupts.requested() ? 130 : 1;
        return;
      }
      if (flags.json) {
        ctx.stdout.write(
          `${JSON.stringify({
            version: result.version,
            status: result.status,
            reason: result.reason,
            epochs: result.epochs.length,
            loss: result.loss,
            valLoss: result.valLoss,
            valAcc: result.valAcc,
            epochSeconds: result.epochs.map((e) => e.seconds),
            keptEpoch: result.keptEpoch,
            backend: backend.name,
            vocabSize: result.vocabSize,
            gloveCoverage: result.gloveCoverage,
            gloveSource: result.gloveSource,
            evaluation: result.evaluation,
          })}\n`,
        );
      } else {
        const verdict = result.status === "accepted" ? "now current" : `rejected: ${result.reason}`;
        ctx.stdout.write(
          `model version ${result.version} (${verdict}); val_loss ${result.valLoss.toFixed(4)}, vocabulary ${result.vocabSize}, GloVe coverage ${(result.gloveCoverage * 100).toFixed(1)}%, backend ${backend.name}\n`,
        );
      }
    });
