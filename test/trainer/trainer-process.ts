// A trainer service process for the process tests: the real process wiring (`oracle trainer`'s
// trainerProcess, the CLI's error report) with the configuration from the environment, training
// either a corpus slice for real or the fake.
//   node --import tsx test/trainer/trainer-process.ts real|fake
import { trainerProcess } from "../../app/trainer.ts";
import { reportError } from "../../cli/report-error.ts";
import { loadConfig } from "../../config/schema.ts";
import { trainVersionFn } from "../../trainer/train-version-fn.ts";
import { fakeTrain } from "./fake-train.ts";

export const SLICE_DOCUMENTS = 40;

const mode = process.argv[2];
try {
  const config = loadConfig(process.env);
  await trainerProcess(config, {
    // The tests queue their own jobs and count them.
    queueFirstModel: false,
    makeTrain:
      mode === "real"
        ? (deps) => trainVersionFn(deps, { maxDocuments: SLICE_DOCUMENTS })
        : () => fakeTrain({ batchesPerEpoch: 4, batchMs: Number(process.env.FAKE_BATCH_MS ?? 100) }),
  });
} catch (err) {
  process.exit(reportError(err, process.stderr));
}
