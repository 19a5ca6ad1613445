/** Thrown by `tracker.run` once the bot is shutting down: the surface answers "try again shortly". */
export class ShuttingDownError extends Error {
  override readonly name = "ShuttingDownError";
  constructor() {
    super("The oracle is restarting; try again in a moment.");
  }
}

/**
 * Counts work in flight (commands, interactions, HTTP requests) so SIGTERM can wait for it.
 * After `stopAccepting()` new work is refused with ShuttingDownError; work already running finishes.
 */
export interface WorkTracker {
  /** Runs `fn` as one unit of tracked work. */
  run<T>(fn: () => Promise<T>): Promise<T>;
  /** Marks the start of work whose end is signalled elsewhere (HTTP hooks); call the result once when done. */
  begin(): () => void;
  readonly active: number;
  readonly accepting: boolean;
  stopAccepting(): void;
  /** Resolves true once nothing is in flight, or false when `timeoutMs` passes first. */
  drained(timeoutMs: number): Promise<boolean>;
}

export function createTracker(): WorkTracker {
  let active = 0;
  let accepting = true;
  let waiters: (() => void)[] = [];
  const leave = () => {
    active--;
    if (active === 0) {
      for (const w of waiters) w();
      waiters = [];
    }
  };
  const tracker: WorkTracker = {
    get active() {
      return active;
    },
    get accepting() {
      return accepting;
    },
    begin() {
      if (!accepting) throw new ShuttingDownError();
      active++;
      let done = false;
      return () => {
        if (done) return;
        done = true;
        leave();
      };
    },
    async run(fn) {
      const end = tracker.begin();
      try {
        return await fn();
      } finally {
        end();
      }
    },
    stopAccepting() {
      accepting = false;
    },
    drained(timeoutMs) {
      if (active === 0) return Promise.resolve(true);
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          waiters = waiters.filter((w) => w !== done);
          resolve(false);
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          resolve(true);
        };
        waiters.push(done);
      });
    },
  };
  return tracker;
}
