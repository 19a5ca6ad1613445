// Tells a channel how the /retrain job asked from it ended. Each outcome is claimed by one bot
// process only (the oracle marks it announced), so several bots do not repeat the news.
import { Routes, type REST } from "discord.js";
import type { BotDeps } from "../surface.ts";
import { outcomeMessage } from "./messages.ts";

export function startAnnouncer(deps: BotDeps, rest: REST): { stop(): Promise<void> } {
  const { oracle, log } = deps;
  let running: Promise<void> | null = null;
  const tick = async () => {
    for (const outcome of await oracle.claimJobOutcomes("discord")) {
      if (!outcome.channel) continue;
      try {
        await rest.post(Routes.channelMessages(outcome.channel), { body: outcomeMessage(outcome) });
        log.info({ jobId: outcome.jobId, state: outcome.state, channel: outcome.channel }, "retrain outcome announced");
      } catch (err) {
        log.error({ err, jobId: outcome.jobId, channel: outcome.channel }, "could not announce a retrain outcome");
      }
    }
  };
  const timer = setInterval(() => {
    if (running) return; // never two ticks at once
    running = tick()
      .catch((err: unknown) => log.warn({ err }, "checking retrain outcomes failed"))
      .finally(() => {
        running = null;
      });
  }, deps.config.discord.announceSeconds * 1000);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
