// The 3-second rule and error replies, on a recording call (the Discord side is what is observed).
import { describe, expect, it } from "vitest";
import { UserError } from "../../../core/errors.ts";
import { silentLogger } from "../../../core/logger.ts";
import type { MessageBody, MessageCall } from "../../../bot/discord/call.ts";
import { answer, answerError } from "../../../bot/discord/respond.ts";
import { APOLOGY } from "../../../core/errors.ts";

function recordingCall() {
  const events: [string, unknown?][] = [];
  let state: MessageCall["state"] = "none";
  const call: MessageCall = {
    via: "gateway",
    kind: "command",
    name: "prophecy",
    invoker: { userId: "1", roleIds: [], permissions: null },
    guildId: null,
    channelId: "9",
    options: new Map(),
    get state() {
      return state;
    },
    async reply(body) {
      events.push(["reply", body]);
      state = "replied";
      return { id: "m1", channelId: "9" };
    },
    async defer(ephemeral) {
      events.push(["defer", ephemeral]);
      state = ephemeral ? "deferred-private" : "deferred-public";
    },
    async editReply(body) {
      events.push(["edit", body]);
      state = "replied";
      return { id: "m2", channelId: "9" };
    },
    async deleteReply() {
      events.push(["delete"]);
    },
    async followUp(body) {
      events.push(["followUp", body]);
      return { id: "m3", channelId: "9" };
    },
  };
  return { call, events };
}

const body: MessageBody = { content: "four lines" };
const later = <T>(ms: number, v: T) => new Promise<T>((r) => setTimeout(() => r(v), ms));

describe("answer within Discord's deadline", () => {
  it("replies at once when the work is ready in time", async () => {
    const { call, events } = recordingCall();
    expect(await answer(call, later(5, body), { ephemeral: false, deferAfterMs: 200 })).toEqual({
      id: "m1",
      channelId: "9",
    });
    expect(events).toEqual([["reply", body]]);
  });

  it("defers (publicly or privately) when it is not, then edits the deferral", async () => {
    for (const ephemeral of [false, true]) {
      const { call, events } = recordingCall();
      expect(await answer(call, later(80, body), { ephemeral, deferAfterMs: 10 })).toEqual({
        id: "m2",
        channelId: "9",
      });
      expect(events).toEqual([
        ["defer", ephemeral],
        ["edit", body],
      ]);
    }
  });
});

describe("errors become private replies", () => {
  it("a UserError's own message, escaped nothing away, privately", async () => {
    const { call, events } = recordingCall();
    await answerError(call, new UserError("Temperature must be between 0.1 and 2."), silentLogger);
    expect(events).toHaveLength(1);
    const [kind, sent] = events[0] as [string, MessageBody];
    expect(kind).toBe("reply");
    expect(sent).toMatchObject({
      content: "Temperature must be between 0.1 and 2.",
      flags: 64,
      allowed_mentions: { parse: [] },
    });
  });

  it("a bug: the generic apology, never its text", async () => {
    const { call, events } = recordingCall();
    await answerError(call, new Error("SQLITE_BUSY at /srv/oracle/core/db.ts:12"), silentLogger);
    expect((events[0][1] as MessageBody).content).toBe(APOLOGY);
  });

  it("after a public deferral: the thinking message is removed and the error follows privately", async () => {
    const { call, events } = recordingCall();
    await call.defer(false);
    await answerError(call, new UserError("No model yet."), silentLogger);
    expect(events.map((e) => e[0])).toEqual(["defer", "delete", "followUp"]);
    expect((events[2][1] as MessageBody).flags).toBe(64);
  });

  it("a Discord failure while answering is logged, not thrown", async () => {
    const { call } = recordingCall();
    call.reply = async () => {
      throw new Error("Unknown interaction");
    };
    await expect(answerError(call, new UserError("x"), silentLogger)).resolves.toBeUndefined();
  });
});
