// The one way tests wait for something to happen: vitest's waitUntil, named, with a useful timeout.
import { vi } from "vitest";

export interface WaitOptions {
  /** Milliseconds (default 15 s: a loaded two-core machine is slow). */
  timeout?: number;
  /** Milliseconds between two probes (default 50). */
  interval?: number;
  /** Added to the timeout error: a process's log, say. */
  detail?: () => string;
}

type Truthy<T> = Exclude<T, false | null | undefined | 0 | "">;

/**
 * Probes until `probe` returns something truthy and returns it. A probe that throws fails at once
 * (it is a bug, not "not yet"); a timeout says what was awaited.
 */
export async function waitFor<T>(
  what: string,
  probe: () => T | Promise<T>,
  opts: WaitOptions = {},
): Promise<Truthy<T>> {
  const timeout = opts.timeout ?? 15_000;
  try {
    return await vi.waitUntil(probe, { timeout, interval: opts.interval ?? 50 });
  } catch (err) {
    if (!(err instanceof Error) || err.message !== "Timed out in waitUntil!") throw err;
    throw new Error(`timed out after ${timeout} ms waiting for ${what}${opts.detail ? `\n${opts.detail()}` : ""}`);
  }
}
