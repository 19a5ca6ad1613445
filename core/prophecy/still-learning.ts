// What every surface says before the first model exists: one source, in a module light enough for
// the CLI to say it without loading tfjs.
import { UserError } from "../errors.ts";

const STILL_LEARNING = "The oracle is still learning, try again in a few minutes.";
const STILL_LEARNING_HINT = "Train one: oracle train (or start the trainer service: oracle trainer)";

export const stillLearning = () => new UserError(STILL_LEARNING, STILL_LEARNING_HINT);
