// Durable chat commands: a surface writes a command here before it acknowledges it, so an
// acknowledged command is never lost. While this process works on commands it holds a lease named
// after itself; a sweep takes over the unfinished commands of processes whose lease expired (killed,
// or restarted: a restarted bot is a new process) and hands each to the surface to finish.
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import {
  finishChatCommand,
  getChatCommand,
  receiveChatCommand,
  releaseChatCommand,
  takeOverAbandoned,
  type ChatCommandRecord,
  type NewChatCommand,
} from "../db/chat-commands.ts";
import type { Db } from "../db/client.ts";
import { release as releaseLease, renew, tryAcquire } from "../db/leases.ts";
import { describeError, shortError } from "../errors.ts";
import type { Logger } from "../logger.ts";
import type { Surface } from "../surface.ts";
import { repeat, type Repeating } from "./repeat.ts";

export type { ChatCommandRecord };

/** Slack's response_url works for 30 minutes; a command older than that cannot be answered any more. */
const COMMAND_MAX_AGE_MS = 30 * 60_000;

export interface ChatCommands {
  /** Writes the command (call before acknowledging it); this process owns it from now on. */
  receive(command: Omit<NewChatCommand, "owner">): Promise<ChatCommandRecord>;
  get(id: number): Promise<ChatCommandRecord | null>;
  /** Marks it finished with how it ended (answered, failed: …); the posting path finishes it with the link. */
  finish(id: number, outcome: string): Promise<void>;
  /** Lets it go after a failure that may pass (database, busy): the next sweep takes it over again. */
  release(id: number): Promise<void>;
  /**
   * Sweeps every `intervalMs` for commands of `surface` whose process died and passes each to
   * `finishCommand` (which answers it and finishes it). Call stop() when the surface stops.
   */
  recover(surface: Surface, finishCommand: (command: ChatCommandRecord) => Promise<void>): Pick<Repeating, "stop">;
  /** Gives up this process's lease (after the drain), so its leftovers are taken over at once. */
  close(): Promise<void>;
}

export function chatCommands(db: Db, log: Logger, leaseSeconds: number): ChatCommands {
  const owner = `bot:${hostname()}:${process.pid}:${randomBytes(4).toString("hex")}`;
  const ttlMs = leaseSeconds * 1000;
  let heartbeat: Repeating | undefined;
  let leased: Promise<void> | undefined;
  const holdLease = () =>
    (leased ??= tryAcquire(db, owner, owner, ttlMs).then(
      () => {
        heartbeat ??= repeat(
          ttlMs / 3,
          async () => {
            if (!(await renew(db, owner, owner, ttlMs))) await tryAcquire(db, owner, owner, ttlMs);
          },
          (err) => log.warn({ err: shortError(err) }, "could not renew this bot's lease"),
        );
      },
      (error: unknown) => {
        leased = undefined; // tried again with the next command
        throw error;
      },
    ));

  async function sweep(surface: Surface, finishCommand: (command: ChatCommandRecord) => Promise<void>) {
    await holdLease();
    for (const command of await takeOverAbandoned(db, surface, owner)) {
      const fields = { surface, commandId: command.id, kind: command.kind, user: command.userId };
      if (Date.now() - command.receivedAt.getTime() > COMMAND_MAX_AGE_MS) {
        await finishChatCommand(db, command.id, "expired: too old to answer");
        log.warn(fields, "an acknowledged command was found too late to answer (over 30 minutes old)");
        continue;
      }
      log.info(fields, "finishing a command acknowledged by a bot that stopped");
      try {
        await finishCommand(command);
      } catch (error) {
        const described = describeError(error);
        if (described.kind === "unavailable") await releaseChatCommand(db, command.id, owner).catch(() => undefined);
        else {
          await finishChatCommand(db, command.id, `failed: ${shortError(error, 200)}`);
          log.error({ ...fields, err: error }, "could not finish an acknowledged command");
        }
      }
    }
  }

  return {
    async receive(command) {
      await holdLease();
      return receiveChatCommand(db, { ...command, owner });
    },
    get: (id) => getChatCommand(db, id),
    finish: (id, outcome) => finishChatCommand(db, id, outcome),
    release: (id) => releaseChatCommand(db, id, owner),
    recover(surface, finishCommand) {
      return repeat(
        ttlMs / 3,
        () => sweep(surface, finishCommand),
        (err) => log.warn({ err: shortError(err), surface }, "could not look for abandoned commands"),
        { immediately: true },
      );
    },
    async close() {
      await heartbeat?.stop();
      if (leased) await releaseLease(db, owner, owner).catch(() => undefined);
    },
  };
}
