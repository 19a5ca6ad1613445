import type { Logger } from "../../core/logger.ts";
import type { Oracle } from "../../core/oracle/types.ts";
import type { RunCommand } from "../command-log.ts";
import type { WorkTracker } from "../tracker.ts";

/** What Slack's listeners get: the serving core, the bot's shared parts and Slack's settings. */
export interface SlackDeps {
  oracle: Oracle;
  log: Logger;
  /** Commands and button clicks: tracked for the drain, one log line each. */
  runCommand: RunCommand;
  /** Events (reactions, App Home): tracked for the drain. */
  tracker: WorkTracker;
  /** SLACK_ADMIN_USER_IDS: may /retrain besides workspace admins and owners. */
  adminUserIds: readonly string[];
  /** PUBLIC_URL: history replies link to the web page when set. */
  publicUrl?: string;
}
