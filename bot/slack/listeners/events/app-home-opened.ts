import type { Middleware, SlackEventMiddlewareArgs } from "@slack/bolt";
import { homeView } from "../../blocks.ts";
import type { SlackDeps } from "../../deps.ts";

const WEEK_MS = 7 * 24 * 3600 * 1000;
const TOP = 5;

/** The App Home tab: current model and the week's most reacted prophecies, published per user. */
export const appHomeOpened =
  (deps: SlackDeps): Middleware<SlackEventMiddlewareArgs<"app_home_opened">> =>
  async ({ event, client }) => {
    if (event.tab !== "home") return;
    await deps.tracker.run(async () => {
      const [model, top] = await Promise.all([
        deps.oracle.currentModel(),
        deps.oracle.history({ sort: "reactions", from: new Date(Date.now() - WEEK_MS), limit: TOP }),
      ]);
      await client.views.publish({ user_id: event.user, view: homeView(model, top.prophecies, deps.publicUrl) });
    });
  };
