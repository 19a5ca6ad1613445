/** Polls `probe` until it returns something truthy (10 s at most). */
export async function waitUntil<T>(probe: () => Promise<T | undefined | null | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Time for any stray duplicate event to be (wrongly) applied before a count is checked. */
export const settle = () => new Promise((r) => setTimeout(r, 300));
