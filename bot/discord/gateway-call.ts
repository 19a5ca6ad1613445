// Adapts discord.js interactions (gateway mode) to the one call shape the handlers use.
import {
  GuildMember,
  MessageFlags,
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type Interaction,
  type InteractionReplyOptions,
  type Message,
} from "discord.js";
import type { AutocompleteCall, Invoker, MessageBody, MessageCall, PostedMessage } from "./call.ts";

/** API-shaped body → discord.js options (it takes API JSON for embeds and components). */
function options(body: MessageBody): InteractionReplyOptions {
  return {
    content: body.content,
    embeds: body.embeds,
    components: body.components,
    flags: body.flags as InteractionReplyOptions["flags"],
    allowedMentions: { parse: [] },
  };
}

const posted = (m: Message | null | undefined): PostedMessage | null =>
  m ? { id: m.id, channelId: m.channelId } : null;

function invoker(i: Interaction): Invoker {
  const member = i.member;
  const roleIds = !member ? [] : member instanceof GuildMember ? [...member.roles.cache.keys()] : member.roles;
  return { userId: i.user.id, roleIds, permissions: i.memberPermissions?.bitfield ?? null };
}

export function gatewayMessageCall(i: ChatInputCommandInteraction | ButtonInteraction): MessageCall {
  let state: MessageCall["state"] = "none";
  const opts = new Map<string, string | number | boolean>();
  if (i.isChatInputCommand()) {
    for (const o of i.options.data) if (o.value !== undefined && o.value !== null) opts.set(o.name, o.value);
  }
  return {
    via: "gateway",
    kind: i.isChatInputCommand() ? "command" : "button",
    name: i.isChatInputCommand() ? i.commandName : i.customId,
    invoker: invoker(i),
    guildId: i.guildId,
    channelId: i.channelId,
    options: opts,
    get state() {
      return state;
    },
    async reply(body) {
      const response = await i.reply({ ...options(body), withResponse: true });
      state = "replied";
      return posted(response.resource?.message);
    },
    async defer(ephemeral) {
      await i.deferReply(ephemeral ? { flags: MessageFlags.Ephemeral } : {});
      state = ephemeral ? "deferred-private" : "deferred-public";
    },
    async editReply(body) {
      const { flags: _ephemeralIsFixedAtDeferral, ...rest } = options(body);
      const message = await i.editReply(rest);
      state = "replied";
      return posted(message);
    },
    async deleteReply() {
      await i.deleteReply();
    },
    async followUp(body) {
      return posted(await i.followUp(options(body)));
    },
  };
}

export function gatewayAutocompleteCall(i: AutocompleteInteraction): AutocompleteCall {
  const focused = i.options.getFocused(true);
  return {
    via: "gateway",
    kind: "autocomplete",
    name: i.commandName,
    invoker: invoker(i),
    guildId: i.guildId,
    channelId: i.channelId,
    focused: { name: focused.name, value: String(focused.value) },
    respond: (choices) => i.respond(choices),
  };
}
