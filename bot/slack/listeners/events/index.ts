import type { App } from "@slack/bolt";
import type { SlackDeps } from "../../deps.ts";
import { appHomeOpened } from "./app-home-opened.ts";
import { reactionAdded } from "./reaction-added.ts";
import { reactionRemoved } from "./reaction-removed.ts";

export function registerEvents(app: App, deps: SlackDeps): void {
  app.event("reaction_added", reactionAdded(deps));
  app.event("reaction_removed", reactionRemoved(deps));
  app.event("app_home_opened", appHomeOpened(deps));
}
