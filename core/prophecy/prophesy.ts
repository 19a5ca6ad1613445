import { encodeTokens, formatQuatrain, tokenize } from "../corpus/index.ts";
import { UserError } from "../errors.ts";
import { quoteUserList } from "../../config/text/escape.ts";
import { longestCopiedRun } from "../model/originality.ts";
import { seededRandom } from "../model/random.ts";
import { sampleTokens } from "../model/sample.ts";
import type { ProphecyAsk } from "../oracle/types.ts";
import type { DrawRequest, Drawn, LoadedModel, ModelSource, ProphecySettings } from "./loaded-model.ts";
import { parseTemperature } from "./temperature.ts";

export type { DrawRequest, Drawn, ProphecySettings } from "./loaded-model.ts";

export interface Prophecy {
  text: string;
  lines: [string, string, string, string];
  temperature: number;
  modelVersion: number;
  /** Longest run of consecutive tokens shared with the corpus. */
  longestCopied: number;
  /** How many draws were thrown away for copying too much. */
  redraws: number;
  about: string | null;
  /** Asked again with this seed (count 1, same model, temperature and words), the same quatrain. */
  seed: number;
}

export interface ProphesyDeps {
  models: ModelSource;
  settings: ProphecySettings;
  /** Called with every prophecy before it is returned (e.g. to record it in the history). */
  onProphecy?: (p: Prophecy) => Promise<void>;
}

function encodeAbout(about: string, model: LoadedModel): number[] {
  const { ids, unknown } = encodeTokens(tokenize(about), model.index);
  if (unknown.length) {
    // Quoted escaped, and only the first few: the text may hold control characters or 15,000 words.
    throw new UserError(
      `The oracle does not know ${quoteUserList(unknown)}: starting words must come from its corpus (model v${model.version}).`,
    );
  }
  return ids;
}

/** Largest seed: seeds are stored as 32-bit integers. */
const MAX_SEED = 2 ** 31 - 1;

/** The seed of quatrain `i` of a request: the request's seed for the first, derived ones after, each reproducing its quatrain alone. */
const seedOf = (seed: number, i: number) => (i === 0 ? seed : Math.floor(seededRandom(`${seed}:${i}`)() * MAX_SEED));

function checkCount(count: number | undefined, max: number): number {
  const n = count ?? 1;
  if (!Number.isInteger(n) || n < 1 || n > max)
    throw new UserError(`Count must be a whole number from 1 to ${max}; got ${count}.`);
  return n;
}

/**
 * Everything prophesy() checks before it draws (temperature, count, seed, the starting words against
 * the current model): a surface that must refuse before it writes anything calls this first.
 */
export async function checkRequest(deps: Pick<ProphesyDeps, "models" | "settings">, request: ProphecyAsk = {}) {
  const { settings } = deps;
  const temperature = parseTemperature(request.temperature, settings);
  const count = checkCount(request.count, settings.maxCount);
  if (
    request.seed !== undefined &&
    !(Number.isInteger(request.seed) && request.seed >= 0 && request.seed <= MAX_SEED)
  ) {
    throw new UserError(`Seed must be a whole number from 0 to ${MAX_SEED}; got ${request.seed}.`);
  }
  const model = await deps.models.current();
  const about = request.about?.trim() ? request.about.trim() : null;
  const prefix = about ? encodeAbout(about, model) : [];
  if (prefix.length >= settings.maxWords)
    throw new UserError(`Starting words must be fewer than ${settings.maxWords} tokens.`);
  return { temperature, count, model, about, prefix };
}

/** What drawing reads of a loaded model (the serving thread's, or a sampling thread's copy). */
export type DrawingModel = Pick<LoadedModel, "scorer" | "copyIndex" | "sampling">;

/**
 * Draws `count` quatrains: a draw that copies more than `maxCopiedWords` consecutive corpus tokens
 * is redrawn up to `maxRedraws` times, the least derivative kept. The same request gives the same
 * quatrains on any thread. Pure but for the scorer.
 */
export async function drawQuatrains(model: DrawingModel, settings: ProphecySettings, r: DrawRequest): Promise<Drawn[]> {
  // One random stream per quatrain, so a seed gives the same quatrains however draws interleave.
  const drawOne = async (random: () => number) => {
    const ids = await sampleTokens(model.scorer, {
      temperature: r.temperature,
      minWords: settings.minWords,
      maxWords: settings.maxWords,
      prefix: [...r.prefix],
      random,
      rules: settings,
      vocabulary: model.sampling,
    });
    return { ids, copied: longestCopiedRun(model.copyIndex, ids) };
  };
  // Concurrent draws let a batching scorer serve them in one pass.
  return Promise.all(
    Array.from({ length: r.count }, async (_, i) => {
      const seed = seedOf(r.seed, i);
      const random = seededRandom(`${seed}:0`);
      let best = await drawOne(random);
      let redraws = 0;
      while (best.copied > settings.maxCopiedWords && redraws < settings.maxRedraws) {
        redraws++;
        const next = await drawOne(random);
        if (next.copied < best.copied) best = next;
      }
      return { ...best, redraws, seed };
    }),
  );
}

/**
 * The one entry point every surface (CLI, Discord, Slack, web) calls: samples fresh quatrains
 * from the current model at the user's temperature (drawQuatrains: on the model's sampling thread
 * when it has one, else here) and formats them.
 */
export async function prophesy(deps: ProphesyDeps, request: ProphecyAsk = {}): Promise<Prophecy[]> {
  const { settings } = deps;
  const { temperature, count, model, about, prefix } = await checkRequest(deps, request);
  const seed = request.seed ?? Math.floor(Math.random() * MAX_SEED);
  const ask: DrawRequest = { temperature, count, prefix, seed };
  const drawn = await (model.draw ? model.draw(settings, ask) : drawQuatrains(model, settings, ask));
  return Promise.all(
    drawn.map(async (best) => {
      const formatted = formatQuatrain(
        best.ids.map((id) => model.words[id]),
        model.casing,
      );
      const prophecy: Prophecy = {
        text: formatted.text,
        lines: formatted.lines,
        temperature,
        modelVersion: model.version,
        longestCopied: best.copied,
        redraws: best.redraws,
        about,
        seed: best.seed,
      };
      await deps.onProphecy?.(prophecy);
      return prophecy;
    }),
  );
}
