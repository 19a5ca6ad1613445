// Discord signs every HTTP interaction with the application's Ed25519 key: signature over
// timestamp + raw body. Checked with Node's crypto (no hand-written maths).
import { createPublicKey, verify, type KeyObject } from "node:crypto";

/** DER header of an Ed25519 SubjectPublicKeyInfo; the raw 32-byte key follows it. */
const ED25519_SPKI_PREFIX = Buffer.from("302a300506032b6570032100", "hex");

export function discordPublicKey(hex: string): KeyObject {
  const raw = Buffer.from(hex, "hex");
  if (raw.length !== 32) throw new Error("DISCORD_PUBLIC_KEY must be 32 bytes (64 hex digits)");
  return createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, raw]), format: "der", type: "spki" });
}

export type VerifyResult = { ok: true } | { ok: false; reason: string };

/**
 * True only for a well-formed signature by `key` over timestamp + body, with a timestamp within
 * `maxAgeSeconds` of now (a replayed old request is refused).
 */
export function verifyInteraction(
  key: KeyObject,
  signatureHex: string | undefined,
  timestamp: string | undefined,
  body: Buffer,
  opts: { maxAgeSeconds: number; now?: number },
): VerifyResult {
  if (!signatureHex || !timestamp) return { ok: false, reason: "missing signature headers" };
  if (!/^[0-9a-fA-F]{128}$/.test(signatureHex)) return { ok: false, reason: "malformed signature" };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: "malformed timestamp" };
  const ageSeconds = Math.abs((opts.now ?? Date.now()) / 1000 - Number(timestamp));
  if (ageSeconds > opts.maxAgeSeconds) return { ok: false, reason: "stale timestamp" };
  const signed = Buffer.concat([Buffer.from(timestamp, "utf8"), body]);
  return verify(null, signed, key, Buffer.from(signatureHex, "hex"))
    ? { ok: true }
    : { ok: false, reason: "bad signature" };
}
