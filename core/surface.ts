/** Where a prophecy was asked, or a reaction given. Closed: a new surface is a new member here. */
export const SURFACES = ["cli", "discord", "slack", "web"] as const;
export type Surface = (typeof SURFACES)[number];
/** Chat platforms that carry reactions. */
export type ReactionPlatform = Extract<Surface, "discord" | "slack">;
