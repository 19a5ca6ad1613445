// Who may /retrain, and how the settings that say so are read.
import { describe, expect, it } from "vitest";
import { PermissionFlagsBits } from "discord.js";
import { loadConfig } from "../../../config/schema.ts";
import { isOracleAdmin } from "../../../bot/discord/admins.ts";

const ROLE = "223456789012345678";
const USER = "323456789012345678";
const member = (over: Partial<{ userId: string; roleIds: string[]; permissions: bigint | null }> = {}) => ({
  userId: "423456789012345678",
  roleIds: [],
  permissions: null,
  ...over,
});

describe("DISCORD_* settings", () => {
  it("reads comma-separated id lists and an empty one", () => {
    const c = loadConfig({ DISCORD_ADMIN_ROLE_IDS: `${ROLE}, 523456789012345678`, DISCORD_ADMIN_USER_IDS: "" });
    expect(c.discord.adminRoleIds).toEqual([ROLE, "523456789012345678"]);
    expect(c.discord.adminUserIds).toEqual([]);
    expect(c.discord.shards).toBe(1);
    expect(loadConfig({ DISCORD_SHARDS: "auto" }).discord.shards).toBe("auto");
  });

  it("refuses ids that are not ids and a public key that is not 64 hex digits", () => {
    expect(() => loadConfig({ DISCORD_ADMIN_USER_IDS: "alice" })).toThrow(/DISCORD_ADMIN_USER_IDS/);
    expect(() => loadConfig({ DISCORD_PUBLIC_KEY: "abc" })).toThrow(/DISCORD_PUBLIC_KEY/);
  });
});

describe("isOracleAdmin", () => {
  const lists = { adminRoleIds: [ROLE], adminUserIds: [USER] };
  it("lets configured users and members of configured roles through, nobody else", () => {
    expect(isOracleAdmin(member({ userId: USER }), lists)).toBe(true);
    expect(isOracleAdmin(member({ roleIds: ["1", ROLE] }), lists)).toBe(true);
    // Manage Server alone is not enough once lists are configured (owners can re-permission commands).
    expect(
      isOracleAdmin(
        member({ permissions: PermissionFlagsBits.ManageGuild | PermissionFlagsBits.Administrator }),
        lists,
      ),
    ).toBe(false);
  });

  it("with no lists, asks for Manage Server as Discord computed it", () => {
    const none = { adminRoleIds: [], adminUserIds: [] };
    expect(isOracleAdmin(member({ permissions: PermissionFlagsBits.ManageGuild }), none)).toBe(true);
    expect(isOracleAdmin(member({ permissions: PermissionFlagsBits.SendMessages }), none)).toBe(false);
    expect(isOracleAdmin(member(), none)).toBe(false);
  });
});
