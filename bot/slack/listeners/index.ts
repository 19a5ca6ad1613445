// One callback per file, grouped by kind (Bolt's starter-template layout); each group registers its own.
import type { App } from "@slack/bolt";
import type { SlackDeps } from "../deps.ts";
import { registerActions } from "./actions/index.ts";
import { registerCommands } from "./commands/index.ts";
import { registerEvents } from "./events/index.ts";

export function registerListeners(app: App, deps: SlackDeps): void {
  registerCommands(app, deps);
  registerEvents(app, deps);
  registerActions(app, deps);
}
