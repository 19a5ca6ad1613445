import type { BotDeps } from "../surface.ts";

/** The web surface is built from the bot service's shared deps like every surface. */
export type WebDeps = Pick<BotDeps, "oracle" | "config" | "log" | "runCommand">;
