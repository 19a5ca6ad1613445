import type { Config } from "../../config/schema.ts";
import { PermissionFlagsBits } from "discord.js";
import type { Invoker } from "./call.ts";

/**
 * Who may /retrain, checked by the bot (command permissions can be changed by server owners): a
 * configured user or a member of a configured role. With neither configured, Manage Server as
 * Discord computed it for this interaction (not changed by command permission overrides).
 */
export function isOracleAdmin(
  invoker: Invoker,
  discord: Pick<Config["discord"], "adminRoleIds" | "adminUserIds">,
): boolean {
  if (discord.adminUserIds.includes(invoker.userId)) return true;
  if (invoker.roleIds.some((r) => discord.adminRoleIds.includes(r))) return true;
  if (discord.adminUserIds.length || discord.adminRoleIds.length) return false;
  const p = invoker.permissions ?? 0n;
  return (p & PermissionFlagsBits.ManageGuild) !== 0n || (p & PermissionFlagsBits.Administrator) !== 0n;
}
