// The Discord surface: gateway (with DISCORD_TOKEN) and/or HTTP interactions (with DISCORD_PUBLIC_KEY).
import { Events, Routes, type Client } from "discord.js";
import { UserError } from "../../core/errors.ts";
import type { BotSurface, SurfaceFactory } from "../surface.ts";
import { startAnnouncer } from "../../core/oracle/announcer.ts";
import { createGatewayClient, wireGateway } from "./gateway.ts";
import { outcomeMessage } from "./messages.ts";
import { interactionsRoute } from "./http/route.ts";
import { discordRest, registerCommands } from "./register.ts";

export const discordSurface: SurfaceFactory = (deps) => {
  const { config, log } = deps;
  const { token, publicKey } = config.discord;
  if (!token && !publicKey) return null;
  const rest = discordRest(config);
  let client: Client | null = null;
  let announcer: { stop(): Promise<void> } | null = null;

  const surface: BotSurface = {
    name: "discord",
    async register(app) {
      if (publicKey) await interactionsRoute(app, deps, rest, publicKey);
    },
    async start() {
      if (!token) {
        log.info(
          "discord: HTTP interactions only (no DISCORD_TOKEN: no gateway, no command registration, no job announcements)",
        );
        return;
      }
      if (config.discord.registerCommands) {
        // A failed registration (Discord down, bad id) leaves the commands already registered in place.
        await registerCommands(config, rest, log).catch((err: unknown) =>
          log.error({ err }, "discord command registration failed"),
        );
      }
      // Each finished /retrain to the channel it was asked in (claimed by one bot process only).
      announcer = startAnnouncer({
        oracle: deps.oracle,
        surface: "discord",
        intervalMs: config.discord.announceSeconds * 1000,
        log,
        post: async (outcome) => {
          if (outcome.channel)
            await rest.post(Routes.channelMessages(outcome.channel), { body: outcomeMessage(outcome) });
        },
      });
      client = createGatewayClient(config);
      wireGateway(client, deps);
      const ready = new Promise<void>((resolve) => client!.once(Events.ClientReady, () => resolve()));
      try {
        await client.login(token);
      } catch (err) {
        await client.destroy();
        // A token Discord refuses is the operator's to fix: one line, not a stack.
        if ((err as { code?: string }).code === "TokenInvalid" || (err as { status?: number }).status === 401) {
          throw new UserError(
            "Discord refused DISCORD_TOKEN.",
            "Copy the token again from the Developer Portal (Bot → Reset Token).",
          );
        }
        throw err;
      }
      await ready;
      log.info({ user: client.user?.tag, guilds: client.guilds.cache.size }, "discord gateway ready");
    },
    async stop() {
      await announcer?.stop();
      await client?.destroy();
    },
  };
  return surface;
};
