// Discord's request signature, checked with Node's crypto against real Ed25519 keys.
import { describe, expect, it } from "vitest";
import { discordPublicKey, verifyInteraction } from "../../../bot/discord/http/verify.ts";
import { appKeys, signed } from "./signing.ts";

describe("verifyInteraction", () => {
  const keys = appKeys();
  const key = discordPublicKey(keys.publicKeyHex);
  const opts = { maxAgeSeconds: 300 };
  const check = (req: ReturnType<typeof signed>, body = req.body, o = opts) =>
    verifyInteraction(
      key,
      req.headers["x-signature-ed25519"],
      req.headers["x-signature-timestamp"],
      Buffer.from(body),
      o,
    );

  it("accepts Discord's signature over timestamp + body", () => {
    expect(check(signed(keys, { type: 1 }))).toEqual({ ok: true });
  });

  it("refuses another key, a changed body, and an old or future timestamp", () => {
    expect(check(signed(appKeys(), { type: 1 }))).toEqual({ ok: false, reason: "bad signature" });
    const req = signed(keys, { type: 1 });
    expect(check(req, req.body.replace("1", "2"))).toEqual({ ok: false, reason: "bad signature" });
    const now = Math.floor(Date.now() / 1000);
    expect(check(signed(keys, { type: 1 }, now - 301))).toEqual({ ok: false, reason: "stale timestamp" });
    expect(check(signed(keys, { type: 1 }, now + 301))).toEqual({ ok: false, reason: "stale timestamp" });
    expect(check(signed(keys, { type: 1 }, now - 299))).toEqual({ ok: true });
  });

  it("refuses missing or malformed headers without throwing", () => {
    const req = signed(keys, { type: 1 });
    expect(
      verifyInteraction(key, undefined, req.headers["x-signature-timestamp"], Buffer.from(req.body), opts).ok,
    ).toBe(false);
    expect(verifyInteraction(key, req.headers["x-signature-ed25519"], undefined, Buffer.from(req.body), opts).ok).toBe(
      false,
    );
    expect(
      verifyInteraction(key, "ab".repeat(63), req.headers["x-signature-timestamp"], Buffer.from(req.body), opts).ok,
    ).toBe(false);
    expect(verifyInteraction(key, req.headers["x-signature-ed25519"], "soon", Buffer.from(req.body), opts).ok).toBe(
      false,
    );
  });

  it("refuses a public key that is not 32 bytes", () => {
    expect(() => discordPublicKey("abcd")).toThrow(/32 bytes/);
  });
});
