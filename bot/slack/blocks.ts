// Block Kit for everything the app posts: the quatrain message, history lists and the App Home.
import type { types } from "@slack/bolt";
import type { ModelSummary, StoredProphecy } from "../../core/oracle/types.ts";
import { escapeSlack, quote } from "./escape.ts";

type Block = types.KnownBlock;

export const ANOTHER_ONE_ACTION = "prophecy_another";

/** What the "Another one" button carries: the same temperature and starting words. */
export interface AnotherOneValue {
  temperature: number;
  about: string | null;
}

function encodeAnotherOne(value: AnotherOneValue): string {
  // Button values are capped at 2000 characters; about is short already (the core caps it).
  return JSON.stringify({ t: value.temperature, a: value.about?.slice(0, 1500) ?? null });
}

export function decodeAnotherOne(raw: string | undefined): AnotherOneValue | null {
  try {
    const v = JSON.parse(raw ?? "") as { t?: unknown; a?: unknown };
    if (typeof v.t !== "number" || !Number.isFinite(v.t)) return null;
    return { temperature: v.t, about: typeof v.a === "string" ? v.a : null };
  } catch {
    return null;
  }
}

const temperatureText = (t: number) => (Number.isInteger(t) ? t.toFixed(1) : String(t));

/** The four lines, a context line (model version, temperature) and the "Another one" button. */
export function quatrainMessage(p: StoredProphecy): { text: string; blocks: Block[] } {
  const lines = p.lines.map((line) => escapeSlack(line));
  const context = [`model v${p.modelVersion}`, `temperature ${temperatureText(p.temperature)}`];
  if (p.about) context.push(`about “${quote(p.about, 100)}”`);
  context.push(`prophecy #${p.id}`);
  return {
    text: lines.join("\n"),
    blocks: [
      { type: "section", text: { type: "mrkdwn", text: lines.join("\n"), verbatim: true } },
      { type: "context", elements: [{ type: "mrkdwn", text: context.join(" · "), verbatim: true }] },
      {
        type: "actions",
        elements: [
          {
            type: "button",
            action_id: ANOTHER_ONE_ACTION,
            text: { type: "plain_text", text: "Another one" },
            value: encodeAnotherOne({ temperature: p.temperature, about: p.about }),
          },
        ],
      },
    ],
  };
}

/** Slack short names show as emoji (`:fire:`); anything else (a Discord emoji's name) as text. */
function emojiText(emoji: string): string {
  return /^[a-z0-9_+'-]+(::skin-tone-\d)?$/i.test(emoji) ? `:${emoji}:` : escapeSlack(emoji);
}

function reactionsText(p: StoredProphecy): string {
  const parts = Object.entries(p.reactions)
    .sort((a, b) => b[1] - a[1])
    .map(([emoji, n]) => `${emojiText(emoji)} ${n}`);
  return parts.length ? parts.join("  ") : "no reactions yet";
}

const prophecyLink = (p: StoredProphecy, publicUrl?: string) =>
  publicUrl ? `<${new URL(`p/${p.id}`, withSlash(publicUrl)).toString()}|#${p.id}>` : `#${p.id}`;
const withSlash = (url: string) => (url.endsWith("/") ? url : `${url}/`);

function prophecyBlocks(p: StoredProphecy, publicUrl?: string): Block[] {
  const when = `<!date^${Math.floor(p.createdAt.getTime() / 1000)}^{date_short} {time}|${p.createdAt.toISOString()}>`;
  return [
    { type: "section", text: { type: "mrkdwn", text: p.lines.map((l) => escapeSlack(l)).join("\n"), verbatim: true } },
    {
      type: "context",
      elements: [
        {
          type: "mrkdwn",
          text: `${prophecyLink(p, publicUrl)} · ${when} · v${p.modelVersion} · T ${temperatureText(p.temperature)} · ${p.reactionCount} reaction${p.reactionCount === 1 ? "" : "s"}: ${reactionsText(p)}`,
        },
      ],
    },
  ];
}

/** `/prophecy history` and `/prophecy top`: the page, with a link to the web history when there is one. */
export function historyMessage(
  prophecies: StoredProphecy[],
  sort: "new" | "reactions",
  publicUrl?: string,
): { text: string; blocks: Block[] } {
  const title = sort === "reactions" ? "Most reacted prophecies" : "Recent prophecies";
  const blocks: Block[] = [{ type: "header", text: { type: "plain_text", text: title } }];
  if (!prophecies.length)
    blocks.push({ type: "section", text: { type: "mrkdwn", text: "No prophecies yet: ask with `/prophecy`." } });
  for (const p of prophecies) blocks.push(...prophecyBlocks(p, publicUrl), { type: "divider" });
  if (publicUrl) {
    const url = new URL("history", withSlash(publicUrl));
    if (sort === "reactions") url.searchParams.set("sort", "reactions");
    blocks.push({
      type: "context",
      elements: [{ type: "mrkdwn", text: `<${url.toString()}|All prophecies on the web>` }],
    });
  }
  return { text: title, blocks };
}

/** The App Home tab: the current model and the week's most reacted prophecies. */
export function homeView(model: ModelSummary | null, top: StoredProphecy[], publicUrl?: string): types.HomeView {
  const modelText = model
    ? [
        `*Model v${model.version}*, trained <!date^${Math.floor(model.trainedAt.getTime() / 1000)}^{date_long} {time}|${model.trainedAt.toISOString()}>`,
        `validation loss ${model.valLoss.toFixed(3)}` +
          (model.perplexity !== null ? ` · perplexity ${model.perplexity.toFixed(1)}` : "") +
          (model.kneserNeyPerplexity !== null ? ` (trigram baseline ${model.kneserNeyPerplexity.toFixed(1)})` : "") +
          ` · ${model.vocabularySize} words`,
      ].join("\n")
    : "No model has been trained yet.";
  const blocks: Block[] = [
    { type: "header", text: { type: "plain_text", text: "The Nostradamus Oracle" } },
    { type: "section", text: { type: "mrkdwn", text: modelText } },
    { type: "divider" },
    { type: "header", text: { type: "plain_text", text: "Top prophecies of the week" } },
  ];
  if (!top.length)
    blocks.push({
      type: "section",
      text: { type: "mrkdwn", text: "None this week yet: ask with `/prophecy` in any channel." },
    });
  for (const p of top) blocks.push(...prophecyBlocks(p, publicUrl), { type: "divider" });
  return { type: "home", blocks };
}
