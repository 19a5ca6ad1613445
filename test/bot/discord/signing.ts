// Real Ed25519 keys and signatures, as Discord signs HTTP interactions: over timestamp + body.
import { generateKeyPairSync, sign, type KeyObject } from "node:crypto";

export interface AppKeys {
  privateKey: KeyObject;
  /** What the Developer Portal shows as the public key: 64 hex digits. */
  publicKeyHex: string;
}

export function appKeys(): AppKeys {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const x = publicKey.export({ format: "jwk" }).x!;
  return { privateKey, publicKeyHex: Buffer.from(x, "base64url").toString("hex") };
}

/** Headers and body of a signed interaction request; `timestamp` in unix seconds (default now). */
export function signed(keys: Pick<AppKeys, "privateKey">, payload: unknown, timestamp = Math.floor(Date.now() / 1000)) {
  const body = JSON.stringify(payload);
  const signature = sign(null, Buffer.from(`${timestamp}${body}`), keys.privateKey).toString("hex");
  return {
    body,
    headers: {
      "content-type": "application/json",
      "x-signature-ed25519": signature,
      "x-signature-timestamp": String(timestamp),
    },
  };
}
