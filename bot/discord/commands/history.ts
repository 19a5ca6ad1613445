// /history [top] [page]: recent prophecies, or the most reacted, with their reaction counts.
import { SlashCommandBuilder } from "discord.js";
import type { MessageCall } from "../call.ts";
import type { BotDeps } from "../../surface.ts";
import { historyMessage } from "../messages.ts";
import { answer } from "../respond.ts";

const PAGE_SIZE = 5;
const MAX_PAGE = 20;

export const data = () =>
  new SlashCommandBuilder()
    .setName("history")
    .setDescription("Recent prophecies, or the most reacted")
    .addBooleanOption((o) => o.setName("top").setDescription("Most reacted first"))
    .addIntegerOption((o) =>
      o.setName("page").setDescription("Page (5 per page)").setMinValue(1).setMaxValue(MAX_PAGE),
    );

export async function execute(call: MessageCall, deps: BotDeps): Promise<void> {
  const top = call.options.get("top") === true;
  const page = Math.min(Math.max(1, Number(call.options.get("page") ?? 1)), MAX_PAGE);
  const work = (async () => {
    // Pages are cursor-linked: walk to the one asked for.
    let cursor: string | null = null;
    for (let p = 1; ; p++) {
      const result = await deps.oracle.history({ sort: top ? "reactions" : "new", limit: PAGE_SIZE, cursor });
      if (p === page || !result.nextCursor) {
        return historyMessage(p === page ? result.prophecies : [], {
          top,
          page,
          hasMore: p === page && result.nextCursor !== null,
          publicUrl: deps.config.bot.publicUrl,
        });
      }
      cursor = result.nextCursor;
    }
  })();
  await answer(call, work, { ephemeral: true, deferAfterMs: deps.config.discord.deferAfterMs });
}
