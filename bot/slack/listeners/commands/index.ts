import type { App } from "@slack/bolt";
import type { SlackDeps } from "../../deps.ts";
import { PROPHECY_COMMAND, prophecyCommand } from "./prophecy.ts";
import { RETRAIN_COMMAND, retrainCommand } from "./retrain.ts";

export function registerCommands(app: App, deps: SlackDeps): void {
  app.command(PROPHECY_COMMAND, prophecyCommand(deps));
  app.command(RETRAIN_COMMAND, retrainCommand(deps));
}
