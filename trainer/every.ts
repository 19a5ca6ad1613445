/** Runs `fn` every `ms`, never two at once (a slow database must not pile up calls). Returns the stop function. */
export function every(ms: number, fn: () => Promise<void>): () => void {
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    // fn catches its own errors (every caller logs a failed beat and waits for the next one).
    void fn().finally(() => {
      busy = false;
    });
  }, ms);
  return () => clearInterval(timer);
}
