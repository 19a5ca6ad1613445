import type { App, BlockButtonAction } from "@slack/bolt";
import type { SlackDeps } from "../../deps.ts";
import { ANOTHER_ONE_ACTION, anotherOne } from "./another-one.ts";

export function registerActions(app: App, deps: SlackDeps): void {
  app.action<BlockButtonAction>(ANOTHER_ONE_ACTION, anotherOne(deps));
}
