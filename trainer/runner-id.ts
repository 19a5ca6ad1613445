import { randomBytes } from "node:crypto";
import { hostname } from "node:os";

/** host:pid:random, so a restarted process on the same host never passes for its predecessor. */
export const newRunnerId = (): string => `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;
