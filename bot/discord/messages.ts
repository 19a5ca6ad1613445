// What the bot's messages look like: Discord API message bodies built from the oracle's plain objects.
// Quatrain text and anything a user typed is markdown-escaped, and no message may ping anyone.
import { ButtonStyle, ComponentType, MessageFlags, escapeMarkdown } from "discord.js";
import type { JobOutcome, ModelSummary, StoredProphecy } from "../../core/oracle/types.ts";
import { escapeControlCharacters } from "../../config/text/escape.ts";
import type { MessageBody } from "./call.ts";
import { anotherOneId } from "./buttons/ids.ts";

/** No @everyone, role or user pings, whatever the text says. */
const NO_MENTIONS = { parse: [] as [] };

/** A short private answer (errors, confirmations). */
export function privateMessage(text: string): MessageBody {
  return { content: text, flags: MessageFlags.Ephemeral, allowed_mentions: NO_MENTIONS };
}

/** Escapes markdown and defuses mentions' syntax, for text quoted back to a channel. */
export const quote = (text: string) => escapeMarkdown(escapeControlCharacters(text)).replace(/@/g, "@\u200b");

/** The quatrain as four lines, the model version and temperature small in the footer, and "Another one". */
export function prophecyMessage(p: StoredProphecy): MessageBody {
  return {
    embeds: [
      {
        description: p.lines.map(quote).join("\n"),
        // Footers are not markdown-rendered: plain text.
        footer: {
          text: `model v${p.modelVersion} · temperature ${p.temperature}${p.about ? ` · about "${p.about}"` : ""} · #${p.id}`,
        },
      },
    ],
    components: [
      {
        type: ComponentType.ActionRow,
        components: [
          {
            type: ComponentType.Button,
            style: ButtonStyle.Secondary,
            label: "Another one",
            custom_id: anotherOneId(p.id),
          },
        ],
      },
    ],
    allowed_mentions: NO_MENTIONS,
  };
}

/** Discord custom emoji are stored as name:id, Slack's as short names, unicode as itself. */
export function showEmoji(emoji: string): string {
  if (/^\w{2,32}:\d{15,21}$/.test(emoji)) return `<:${emoji}>`;
  if (/^[\w+-]+$/.test(emoji)) return `:${escapeMarkdown(emoji)}:`;
  return quote(emoji);
}

function reactionLine(reactions: Record<string, number>): string {
  const parts = Object.entries(reactions)
    .sort((a, b) => b[1] - a[1])
    .map(([e, n]) => `${showEmoji(e)} ${n}`);
  return parts.length ? parts.join("  ") : "no reactions";
}

export function historyMessage(
  prophecies: StoredProphecy[],
  opts: { top: boolean; page: number; hasMore: boolean; publicUrl?: string | undefined },
): MessageBody {
  const base = opts.publicUrl?.replace(/\/+$/, "");
  const title = `${opts.top ? "Most reacted prophecies" : "Recent prophecies"} · page ${opts.page}`;
  const blocks = prophecies.map((p) => {
    const head = base ? `[#${p.id}](${base}/p/${p.id})` : `#${p.id}`;
    return (
      `**${head}** · v${p.modelVersion} · T ${p.temperature} · ${reactionLine(p.reactions)}\n` +
      p.lines.map((l) => `> ${quote(l)}`).join("\n")
    );
  });
  // Footers are plain text: the web link goes in the description, where links work.
  const link = base ? `\n\n[All prophecies on the web](${base}/history${opts.top ? "?sort=reactions" : ""})` : "";
  const body = (blocks.length ? blocks.join("\n\n") : "Nothing here yet.").slice(0, 4096 - link.length) + link;
  const more = opts.hasMore ? `more: /history${opts.top ? " top:True" : ""} page:${opts.page + 1}` : null;
  return {
    flags: MessageFlags.Ephemeral,
    embeds: [{ title, description: body, ...(more ? { footer: { text: more } } : {}) }],
    allowed_mentions: NO_MENTIONS,
  };
}

const fixed = (x: number | null, digits: number) => (x === null || !Number.isFinite(x) ? "n/a" : x.toFixed(digits));

export function modelMessage(m: ModelSummary): MessageBody {
  const unix = Math.floor(m.trainedAt.getTime() / 1000);
  const lines = [
    `**Model v${m.version}**, trained <t:${unix}:f> (<t:${unix}:R>)`,
    `validation loss ${fixed(m.valLoss, 3)} · perplexity ${fixed(m.perplexity, 1)} vs ${fixed(m.kneserNeyPerplexity, 1)} for the trigram baseline`,
    `vocabulary ${m.vocabularySize} words`,
  ];
  return { content: lines.join("\n"), flags: MessageFlags.Ephemeral, allowed_mentions: NO_MENTIONS };
}

/** The channel's news when a /retrain job asked from it ends. */
export function outcomeMessage(o: JobOutcome): MessageBody {
  const who = `asked by <@${o.requestedBy}>`;
  const detail = o.detail ? `: ${quote(o.detail.slice(0, 500))}` : "";
  const text =
    o.state === "succeeded"
      ? `Retrain job #${o.jobId} (${who}) finished: model v${o.version} is live.`
      : o.state === "rejected"
        ? `Retrain job #${o.jobId} (${who}) trained v${o.version ?? "?"}, but it was rejected${detail}. The current model stays.`
        : o.state === "cancelled"
          ? `Retrain job #${o.jobId} (${who}) was cancelled.`
          : `Retrain job #${o.jobId} (${who}) failed${detail}. The current model stays.`;
  return { content: text, allowed_mentions: NO_MENTIONS };
}
