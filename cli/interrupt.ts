/**
 * Ctrl-C (or SIGTERM) during a long command: the first asks it to stop at the next safe point
 * (after the current batch, so the trainer lease is released and nothing half-done is saved);
 * a second one quits at once.
 */
export function watchInterrupts(stderr: NodeJS.WritableStream) {
  let requested = false;
  const onSignal = () => {
    if (requested) process.exit(130);
    requested = true;
    stderr.write("\nstopping after the current batch (nothing is saved); press Ctrl-C again to quit now\n");
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  return {
    requested: () => requested,
    dispose: () => {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    },
  };
}
