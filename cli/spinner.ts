import yoctoSpinner from "yocto-spinner";

/**
 * While `work` runs, a spinner with `text` on a terminal's stderr (gone before the answer is
 * printed); off a terminal, or with --verbose (log lines would cut through it), nothing.
 */
export async function withSpinner<T>(
  stream: NodeJS.WritableStream & { isTTY?: boolean },
  text: string,
  work: () => Promise<T>,
  options: { enabled?: boolean } = {},
): Promise<T> {
  if (!stream.isTTY || options.enabled === false) return work();
  // Signals stay the CLI's own (cli/interrupt.ts); the spinner only draws.
  const spinner = yoctoSpinner({
    text,
    stream: stream as NodeJS.WritableStream & NodeJS.WriteStream,
    handleSignals: false,
  }).start();
  try {
    return await work();
  } finally {
    spinner.stop();
  }
}
