import type { Surface } from "../surface.ts";

/**
 * Requests per key in a sliding minute, in this process's memory (a bot restart forgets it, which
 * is harmless for a limit meant to stop one user from flooding a channel).
 */
export class RateLimiter {
  private readonly hits = new Map<string, number[]>();
  private sweeps = 0;

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes one request for `key`: 0 when allowed, else seconds until the next one would be. */
  take(key: string): number {
    if (this.perMinute <= 0) return 0;
    const now = this.now();
    const recent = (this.hits.get(key) ?? []).filter((t) => now - t < 60_000);
    if (++this.sweeps % 1000 === 0) this.sweep(now);
    if (recent.length >= this.perMinute) {
      this.hits.set(key, recent);
      return Math.max(1, Math.ceil((recent[0] + 60_000 - now) / 1000));
    }
    recent.push(now);
    this.hits.set(key, recent);
    return 0;
  }

  /** Forgets keys idle for a minute, so the map does not grow with every user ever seen. */
  private sweep(now: number): void {
    for (const [key, times] of this.hits) if (!times.some((t) => now - t < 60_000)) this.hits.delete(key);
  }
}

/** The limits per minute each surface gets: the web per client address, chat and the CLI per user. */
export interface SurfaceLimits {
  bot: { rateLimitPerMinute: number };
  web: { rateLimitPerMinute: number };
}

/** One limiter per surface, the only rate limit on asking (WEB_RATE_LIMIT_PER_MINUTE, BOT_RATE_LIMIT_PER_MINUTE). */
export function surfaceLimiters(limits: SurfaceLimits, now?: () => number): Record<Surface, RateLimiter> {
  const chat = limits.bot.rateLimitPerMinute;
  return {
    cli: new RateLimiter(chat, now),
    discord: new RateLimiter(chat, now),
    slack: new RateLimiter(chat, now),
    web: new RateLimiter(limits.web.rateLimitPerMinute, now),
  };
}
