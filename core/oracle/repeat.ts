// The one way the serving core runs something every so often (announcing finished jobs, finishing
// abandoned chat commands, watching the database): never two runs at once, a failed run logged and
// tried again at the next tick, and nothing that keeps the process alive on its own.

export interface Repeating {
  /** Runs it now (or right after the run in progress), without waiting for the timer. */
  nudge(): void;
  /** No more runs; resolves once the run in progress (if any) has ended. */
  stop(): Promise<void>;
}

export function repeat(
  intervalMs: number,
  run: () => Promise<void>,
  onError: (error: unknown) => void,
  opts: { immediately?: boolean } = {},
): Repeating {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | null = null;
  let again = false;
  const schedule = (ms: number) => {
    clearTimeout(timer);
    if (!stopped) timer = setTimeout(tick, ms).unref();
  };
  function tick(): void {
    if (running) {
      again = true;
      return;
    }
    running = run()
      .catch(onError)
      .finally(() => {
        running = null;
        if (again) {
          again = false;
          schedule(0);
        } else schedule(intervalMs);
      });
  }
  schedule(opts.immediately ? 0 : intervalMs);
  return {
    nudge: () => schedule(0),
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
