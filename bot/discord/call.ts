// The one interaction shape every handler sees, whichever way it came in (gateway or HTTP):
// handlers read options and answer through it; gateway-call.ts and http/http-call.ts adapt it.
import type { APIInteractionResponseCallbackData, RESTPostAPIChatInputApplicationCommandsJSONBody } from "discord.js";
import type { Config } from "../../config/schema.ts";
import type { CommandScope } from "../command-log.ts";
import type { BotDeps } from "../surface.ts";

/** A message body as Discord's API takes it (content, embeds, components, flags, allowed_mentions). */
export type MessageBody = APIInteractionResponseCallbackData;

/** The message an answer became, so reactions on it can be traced to its prophecy. */
export interface PostedMessage {
  id: string;
  channelId: string | null;
}

export interface Invoker {
  userId: string;
  /** Role ids of the member (empty outside a server). */
  roleIds: string[];
  /** The member's permissions as Discord computed them for this channel (bitfield), if in a server. */
  permissions: bigint | null;
}

interface CallBase {
  /** Gateway or HTTP, for logs. */
  via: "gateway" | "http";
  invoker: Invoker;
  guildId: string | null;
  channelId: string | null;
}

/** A slash command or a button press: something answered with a message. */
export interface MessageCall extends CallBase {
  kind: "command" | "button";
  /** Command name, or the button's custom id. */
  name: string;
  /** Options by name, as Discord sent them (numbers, strings, integers); empty for buttons. */
  options: ReadonlyMap<string, string | number | boolean>;
  /** What went out so far: nothing, a deferral (public or private), or a reply. */
  readonly state: "none" | "deferred-public" | "deferred-private" | "replied";
  /** The first answer; returns the posted message when Discord says which (null if unknown). */
  reply(body: MessageBody): Promise<PostedMessage | null>;
  /** "Thinking…": buys 15 minutes; `ephemeral` decides who sees the final answer. */
  defer(ephemeral: boolean): Promise<void>;
  /** Replaces the deferred (or first) answer. */
  editReply(body: MessageBody): Promise<PostedMessage | null>;
  /** Removes the first answer (a public deferral that turned into a private error). */
  deleteReply(): Promise<void>;
  /** A further message after the first answer (ephemeral when its flags say so). */
  followUp(body: MessageBody): Promise<PostedMessage | null>;
}

/** Autocomplete of one option while the user types. */
export interface AutocompleteCall extends CallBase {
  kind: "autocomplete";
  name: string;
  focused: { name: string; value: string };
  respond(choices: { name: string; value: string }[]): Promise<void>;
}

export type DiscordCall = MessageCall | AutocompleteCall;

/** What a slash command file exports (the discord.js guide's shape; `data` takes the config for option bounds). */
export interface SlashCommand {
  data(config: Config): { name: string; toJSON(): RESTPostAPIChatInputApplicationCommandsJSONBody };
  execute(call: MessageCall, deps: BotDeps, scope: CommandScope): Promise<void>;
  autocomplete?(call: AutocompleteCall, deps: BotDeps): Promise<void>;
}

/** A button handler: custom ids starting with `prefix` are its own. */
export interface ButtonHandler {
  prefix: string;
  execute(call: MessageCall, deps: BotDeps, scope: CommandScope): Promise<void>;
}
