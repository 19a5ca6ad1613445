import { LogLevel, type Logger as BoltLogger } from "@slack/bolt";
import type { Logger } from "../../core/logger.ts";

const text = (parts: unknown[]) =>
  parts.map((p) => (typeof p === "string" ? p : p instanceof Error ? p.message : JSON.stringify(p))).join(" ");

/** Bolt and its Web API client log through the bot's pino logger (its level decides). */
export function boltLogger(log: Logger): BoltLogger {
  const child = log.child({ component: "bolt" });
  return {
    debug: (...m: unknown[]) => child.debug(text(m)),
    info: (...m: unknown[]) => child.info(text(m)),
    warn: (...m: unknown[]) => child.warn(text(m)),
    error: (...m: unknown[]) => child.error(text(m)),
    setLevel: () => {},
    setName: () => {},
    getLevel: () => {
      const level = child.levelVal;
      return level <= 20 ? LogLevel.DEBUG : level <= 30 ? LogLevel.INFO : level <= 40 ? LogLevel.WARN : LogLevel.ERROR;
    },
  };
}
