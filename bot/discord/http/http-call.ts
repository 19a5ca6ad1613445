// Adapts an HTTP interaction (raw API JSON) to the one call shape the handlers use. The first answer
// is the HTTP response itself; later ones go to the interaction's webhook through discord.js's REST
// client (interaction tokens need no bot token).
import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ComponentType,
  InteractionResponseType,
  InteractionType,
  MessageFlags,
  Routes,
  type APIApplicationCommandInteractionDataBasicOption,
  type APIInteraction,
  type APIInteractionResponse,
  type APIMessage,
  type REST,
} from "discord.js";
import type { AutocompleteCall, DiscordCall, Invoker, MessageBody, MessageCall, PostedMessage } from "../call.ts";

export interface HttpCall {
  call: DiscordCall;
  /** Resolves with the HTTP response body once the handler gives its first answer. */
  firstResponse: Promise<APIInteractionResponse>;
  /** The route calls this once the response went out (or the connection closed). */
  markSent: () => void;
}

function invoker(i: APIInteraction): Invoker {
  const user = i.member?.user ?? i.user;
  return {
    userId: user?.id ?? "unknown",
    roleIds: i.member?.roles ?? [],
    permissions: i.member?.permissions ? BigInt(i.member.permissions) : null,
  };
}

function flatOptions(
  options:
    | readonly { name: string; type: ApplicationCommandOptionType; value?: unknown; options?: unknown }[]
    | undefined,
) {
  const out = new Map<string, string | number | boolean>();
  for (const o of options ?? []) {
    if (o.type === ApplicationCommandOptionType.Subcommand || o.type === ApplicationCommandOptionType.SubcommandGroup)
      continue;
    const v = (o as APIApplicationCommandInteractionDataBasicOption).value;
    if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") out.set(o.name, v);
  }
  return out;
}

/** Null for interaction types the bot does not handle (it answers those with a short notice). */
export function httpCall(i: APIInteraction, rest: REST): HttpCall | null {
  let resolveFirst!: (r: APIInteractionResponse) => void;
  const firstResponse = new Promise<APIInteractionResponse>((r) => {
    resolveFirst = r;
  });
  let markSent!: () => void;
  const sent = new Promise<void>((r) => {
    markSent = r;
  });
  const base = {
    via: "http" as const,
    invoker: invoker(i),
    guildId: i.guild_id ?? null,
    channelId: i.channel?.id ?? i.channel_id ?? null,
  };
  const original = Routes.webhookMessage(i.application_id, i.token, "@original");
  const toPosted = (m: APIMessage): PostedMessage => ({ id: m.id, channelId: m.channel_id });

  if (i.type === InteractionType.ApplicationCommandAutocomplete) {
    const focused = i.data.options
      .flatMap((o) => ("options" in o ? (o.options ?? []) : [o]))
      .find((o) => "focused" in o && o.focused) as { name: string; value: string | number | boolean } | undefined;
    const call: AutocompleteCall = {
      ...base,
      kind: "autocomplete",
      name: i.data.name,
      focused: { name: focused?.name ?? "", value: String(focused?.value ?? "") },
      async respond(choices) {
        resolveFirst({ type: InteractionResponseType.ApplicationCommandAutocompleteResult, data: { choices } });
      },
    };
    return { call, firstResponse, markSent };
  }

  const isCommand = i.type === InteractionType.ApplicationCommand && i.data.type === ApplicationCommandType.ChatInput;
  const isButton = i.type === InteractionType.MessageComponent && i.data.component_type === ComponentType.Button;
  if (!isCommand && !isButton) return null;

  let state: MessageCall["state"] = "none";
  const call: MessageCall = {
    ...base,
    kind: isCommand ? "command" : "button",
    name: isCommand ? i.data.name : (i.data as { custom_id: string }).custom_id,
    options: isCommand ? flatOptions((i.data as { options?: [] }).options) : new Map(),
    get state() {
      return state;
    },
    async reply(body: MessageBody) {
      state = "replied";
      resolveFirst({ type: InteractionResponseType.ChannelMessageWithSource, data: body });
      // The HTTP answer carries no message id: ask for it once Discord has the answer.
      await sent;
      if ((body.flags ?? 0) & MessageFlags.Ephemeral) return null;
      // The user has the answer already; not knowing its message id only costs reaction logging.
      return rest.get(original, { auth: false }).then(
        (m) => toPosted(m as APIMessage),
        () => null,
      );
    },
    async defer(ephemeral) {
      state = ephemeral ? "deferred-private" : "deferred-public";
      resolveFirst({
        type: InteractionResponseType.DeferredChannelMessageWithSource,
        ...(ephemeral ? { data: { flags: MessageFlags.Ephemeral } } : {}),
      });
      await sent;
    },
    async editReply(body) {
      // Whether it is private was decided by the deferral.
      const { flags: _fixedAtDeferral, ...message } = body;
      state = "replied";
      return toPosted((await rest.patch(original, { body: message, auth: false })) as APIMessage);
    },
    async deleteReply() {
      await rest.delete(original, { auth: false });
    },
    async followUp(body) {
      return toPosted(
        (await rest.post(Routes.webhook(i.application_id, i.token), { body, auth: false })) as APIMessage,
      );
    },
  };
  return { call, firstResponse, markSent };
}
