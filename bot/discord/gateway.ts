// Gateway mode: the discord.js client receives interactions and reaction events over the WebSocket.
import {
  Client,
  Events,
  GatewayIntentBits,
  Partials,
  type ClientOptions,
  type MessageReaction,
  type PartialMessageReaction,
  type PartialUser,
  type User,
} from "discord.js";
import type { Config } from "../../config/schema.ts";
import { logFailure } from "../errors.ts";
import type { BotDeps } from "../surface.ts";
import { dispatch } from "./dispatch.ts";
import { gatewayAutocompleteCall, gatewayMessageCall } from "./gateway-call.ts";

/** Shards this process runs: "auto" (Discord's count), N, or whatever a ShardingManager passed in the environment. */
function shardOptions(shards: Config["discord"]["shards"]): Pick<ClientOptions, "shards" | "shardCount"> {
  if (shards === "auto") return { shards: "auto" };
  if (shards > 1) return { shards: Array.from({ length: shards }, (_, i) => i), shardCount: shards };
  return {};
}

export function createGatewayClient(config: Config): Client {
  return new Client({
    // Reactions need no message content or member intents: ids are enough.
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessageReactions],
    // Reactions on messages that are not (or no longer) cached still arrive, as partials.
    partials: [Partials.Message, Partials.Reaction, Partials.User, Partials.Channel],
    allowedMentions: { parse: [] },
    rest: { api: config.discord.apiUrl },
    ...shardOptions(config.discord.shards),
  });
}

/** Custom emoji as name:id (names can repeat across servers), unicode as itself. */
function emojiKey(reaction: MessageReaction | PartialMessageReaction): string | null {
  const e = reaction.emoji;
  if (e.id) return `${e.name ?? "emoji"}:${e.id}`;
  return e.name ?? null;
}

export function wireGateway(client: Client, deps: BotDeps): void {
  const { log, tracker, oracle } = deps;

  client.on(Events.InteractionCreate, (interaction) => {
    const call =
      interaction.isChatInputCommand() || interaction.isButton()
        ? gatewayMessageCall(interaction)
        : interaction.isAutocomplete()
          ? gatewayAutocompleteCall(interaction)
          : null;
    if (!call) return;
    void dispatch(call, deps).catch((err: unknown) => log.error({ err }, "discord interaction failed"));
  });

  // Events for one user's emoji on one message apply in arrival order (an add then a quick remove):
  // one chain per key, and a strictly increasing order in microseconds (the gateway's events carry no
  // time of their own; the oracle applies only events later in the order than the last).
  const chains = new Map<string, Promise<void>>();
  const lastOrder = new Map<string, bigint>();
  const onReaction = (reaction: MessageReaction | PartialMessageReaction, user: User | PartialUser, added: boolean) => {
    if (user.id === client.user?.id) return;
    const emoji = emojiKey(reaction);
    if (!emoji) return;
    const key = `${reaction.message.id}:${user.id}:${emoji}`;
    const now = BigInt(Math.round((performance.timeOrigin + performance.now()) * 1000));
    const previous = lastOrder.get(key);
    const order = previous !== undefined && previous >= now ? previous + 1n : now;
    lastOrder.set(key, order);
    const at = Number(order / 1000n);
    const event = {
      platform: "discord" as const,
      messageRef: reaction.message.id,
      channel: reaction.message.channelId,
      userId: user.id,
      emoji,
      added,
      at: new Date(at),
      order,
    };
    const next = (chains.get(key) ?? Promise.resolve())
      .then(() => tracker.run(() => oracle.recordReaction(event)))
      .then(
        (known) =>
          log.debug(
            { ...event, order: String(order) },
            known ? "reaction recorded" : "reaction on no prophecy: ignored",
          ),
        (err: unknown) => void logFailure(log, err, { ...event, order: String(order) }, "could not record a reaction"),
      )
      .finally(() => {
        if (chains.get(key) === next) {
          chains.delete(key);
          if (Date.now() - at > 1_000) lastOrder.delete(key);
        }
      });
    chains.set(key, next);
  };
  client.on(Events.MessageReactionAdd, (reaction, user) => onReaction(reaction, user, true));
  client.on(Events.MessageReactionRemove, (reaction, user) => onReaction(reaction, user, false));

  client.on(Events.Error, (err) => log.error({ err }, "discord client error"));
  client.on(Events.Warn, (message) => log.warn({ message }, "discord client warning"));
  client.on(Events.ShardDisconnect, (event, shard) =>
    log.warn({ shard, code: event.code }, "discord gateway disconnected"),
  );
  client.on(Events.ShardReconnecting, (shard) => log.info({ shard }, "discord gateway reconnecting"));
}
