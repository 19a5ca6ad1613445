import type { Db } from "../db/client.ts";
import { currentPromotionOf, getModelVersion } from "../db/model-versions.ts";
import { databaseProblem, RESTING, shortError, UnavailableError } from "../errors.ts";
import { silentLogger, type Logger } from "../logger.ts";
import { fastSamplerFor } from "../tf/sampler.ts";
import type { LoadedModel, ModelSource } from "./loaded-model.ts";
import { deferredModel, loadModel, type ScorerFactory } from "./load-model.ts";
import { samplingThreads, type SamplingThreads, type ThreadedModel } from "./sampling-thread.ts";
import { stillLearning } from "./still-learning.ts";

export interface ModelSourceOptions {
  log?: Logger;
  makeScorer?: ScorerFactory;
  /**
   * > 0: a background check every that many seconds loads a newly promoted (or rolled back) version
   * while the old one keeps serving, and current() never waits once a model is loaded (the bot).
   * 0: current() checks the database on each call and waits for a switch (one-shot CLI, tests).
   */
  pollSeconds?: number;
  /** A version that failed to load is tried again only after this long (default 60 s): no tight loop. */
  retrySeconds?: number;
  /** How long a replaced model stays alive for draws still in flight on it (default 30 s). */
  retireSeconds?: number;
  /**
   * Sampling threads of each loaded version (wasm only), keeping the event loop free for requests
   * (BOT_SAMPLING_THREADS; 0: none); draws fall back to this thread until one is ready, or if all fail.
   */
  samplingThreads?: number;
}

/** The model source the serving core uses: what is served, and why the latest version is not (if so). */
export interface ServingModelSource extends ModelSource {
  /** The model now served, without waiting or touching the database. */
  serving(): LoadedModel | null;
  /** Checks the current promotion once and loads it if it is new (resolves when that load ended). */
  refresh(): Promise<void>;
  /** Why the current version is not served (its load failed), or null. */
  problem(): string | null;
  /** Versions whose load failed, and why (for the operators' /models page). */
  failures(): ReadonlyMap<number, string>;
  /**
   * True while the first version served still starts its sampling threads: it answers (drawing on the
   * event loop meanwhile) but is not ready for full load, so /readyz says so.
   */
  warming(): boolean;
}

/** A sampling thread that neither starts nor fails within this is given up on (its draws run elsewhere). */
const THREAD_START_LIMIT_MS = 120_000;

/** Per thread, whether it loaded the version; none after THREAD_START_LIMIT_MS. */
const untilReady = (ready: Promise<boolean[]>) =>
  new Promise<boolean[]>((resolve) => {
    const timer = setTimeout(() => resolve([]), THREAD_START_LIMIT_MS);
    void ready.then((loaded) => {
      clearTimeout(timer);
      resolve(loaded);
    });
  });

/**
 * The current model from the database, loaded once per version. A newly promoted (or rolled back)
 * version is loaded beside the one serving and swapped in when ready, so no request in flight fails;
 * a version whose weights cannot be loaded leaves the previous one serving, is logged with the
 * reason, and is not tried again for `retrySeconds`.
 */
export function databaseModelSource(db: Db, options: ModelSourceOptions = {}): ServingModelSource {
  const log = options.log ?? silentLogger;
  // With sampling threads, this thread's copy draws only while they load: no helper thread of its own.
  const helperThread = (options.samplingThreads ?? 0) === 0;
  const makeScorer = options.makeScorer ?? ((model) => fastSamplerFor(model, { helperThread }));
  const pollMs = (options.pollSeconds ?? 0) * 1000;
  const retryMs = (options.retrySeconds ?? 60) * 1000;
  const retireMs = (options.retireSeconds ?? 30) * 1000;

  let current: LoadedModel | null = null;
  let checking: Promise<void> | null = null;
  const failed = new Map<number, { at: number; error: string }>();
  const retired = new Set<LoadedModel>();
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  let warming = false;
  /** The sampling threads every version's draws go to (made with the first version). */
  let pool: SamplingThreads | null | undefined;

  const retire = (old: LoadedModel) => {
    retired.add(old);
    setTimeout(() => {
      if (retired.delete(old)) old.dispose();
    }, retireMs).unref();
  };

  async function check(): Promise<void> {
    const promotion = await currentPromotionOf(db);
    if (!promotion || promotion.version === current?.version || closed) return;
    const version = promotion.version;
    const failure = failed.get(version);
    if (failure && Date.now() - failure.at < retryMs) return;
    try {
      const record = await getModelVersion(db, version, { withWeights: true, withCorpusIds: true });
      if (!record) throw new Error(`model version ${version} is missing`);
      pool ??= samplingThreads(options.samplingThreads ?? 0, log);
      // A version replacing one that serves draws on the threads from the start: its network is built
      // here only if a draw falls back to this thread. The first one draws here while the threads start.
      const deferred = pool && current ? deferredModel(record, makeScorer) : null;
      const here = deferred ?? (await loadModel(record, makeScorer));
      const loaded: ThreadedModel = pool ? pool.attach(here, record) : here;
      // With a version serving, the new one takes over once its sampling threads are up (or have
      // failed): taking over sooner would draw every quatrain on the event loop while they start.
      if (current && loaded.threadsReady) {
        const ready = await untilReady(loaded.threadsReady);
        // No thread could load it: loaded here, where a broken version fails as it always did.
        if (!ready.some(Boolean) && deferred)
          await deferred.full().catch((error: unknown) => {
            loaded.dispose();
            throw error;
          });
      } else if (loaded.threadsReady) {
        warming = true;
        void untilReady(loaded.threadsReady).then(() => (warming = false));
      }
      if (closed) return loaded.dispose();
      const old = current;
      current = loaded;
      failed.delete(version);
      log.info({ version, previous: old?.version ?? null }, "serving model version");
      // Draws in flight on the old model finish first; dispose it a little later.
      if (old) retire(old);
    } catch (error) {
      // The database, not the version, failed: nothing to hold against the version.
      if (databaseProblem(error)) throw error;
      const why = shortError(error);
      failed.set(version, { at: Date.now(), error: why });
      const serving = current?.version ?? null;
      log.warn(
        { version, serving, err: why, retryInSeconds: retryMs / 1000 },
        serving === null
          ? `model version ${version} cannot be loaded; nothing is serving (users are told the oracle is resting)`
          : `model version ${version} cannot be loaded; version ${serving} keeps serving`,
      );
    }
  }

  /** One check at a time: concurrent callers share it. */
  const refresh = (): Promise<void> => {
    checking ??= check().finally(() => {
      checking = null;
    });
    return checking;
  };

  if (pollMs > 0) {
    const tick = () => {
      refresh()
        .catch((error: unknown) => log.warn({ err: shortError(error) }, "checking for a new model version failed"))
        .finally(() => {
          if (!closed) timer = setTimeout(tick, pollMs);
          timer?.unref();
        });
    };
    tick();
  }

  const problem = (): string | null => {
    for (const [version, f] of failed)
      if (version !== current?.version) return `model version ${version} cannot be loaded: ${f.error}`;
    return null;
  };

  return {
    serving: () => current,
    warming: () => warming,
    problem,
    failures: () => new Map([...failed].map(([version, f]) => [version, f.error])),
    refresh,
    async current() {
      if (!current || pollMs === 0) await refresh();
      if (current) return current;
      // A promoted version that cannot be loaded is the operator's to fix, not "still learning".
      const why = problem();
      if (why) throw new UnavailableError(RESTING, `${why} (see the log and the /models page)`);
      throw stillLearning();
    },
    async close() {
      closed = true;
      clearTimeout(timer);
      await checking?.catch(() => undefined);
      current?.dispose();
      current = null;
      for (const old of retired) old.dispose();
      retired.clear();
      await pool?.close();
    },
  };
}
