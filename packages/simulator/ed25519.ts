/**
 * Ed25519 as the module's `openssl pkeyutl -verify -rawin` does it, for the
 * simulator's signature check, and key pairs from a seed for tests and
 * generated scenarios (the same seed, the same key, the same signatures).
 *
 * @module
 */

const ED25519 = { name: "Ed25519" } as const;
/** Bytes from hex digits. */
const fromHex = (hex: string) => Uint8Array.from(hex.match(/../g)!, (b) => parseInt(b, 16));
/** DER before the 32 bytes of an Ed25519 public key (SubjectPublicKeyInfo). */
const SPKI_PREFIX = fromHex("302a300506032b6570032100");
/** DER before the 32-byte seed of an Ed25519 private key (PKCS #8). */
const PKCS8_PREFIX = fromHex("302e020100300506032b657004220420");

const buffer = (b: Uint8Array) => b as Uint8Array<ArrayBuffer>;

/** The DER of a public key file: PEM (`-----BEGIN PUBLIC KEY-----`) or DER as it is. */
function publicKeyDer(file: Uint8Array): Uint8Array | null {
  const text = new TextDecoder("latin1").decode(file);
  if (!text.includes("-----BEGIN")) return file;
  const m = /-----BEGIN PUBLIC KEY-----([A-Za-z0-9+/=\s]*)-----END PUBLIC KEY-----/.exec(text);
  if (m === null) return null;
  try {
    return Uint8Array.from(atob(m[1]!.replace(/\s+/g, "")), (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

/**
 * Whether the public key in `keyFile` (PEM or DER, as openssl reads it)
 * verifies the Ed25519 signature `sig` of `data`. A file that holds no
 * Ed25519 public key verifies nothing, as with openssl.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { signingKey, verifyEd25519 } from "./ed25519.ts";
 * const key = await signingKey(1);
 * const data = new TextEncoder().encode("9f86...  rootfs.tar.zst\n");
 * const sig = await key.sign(data);
 * assert.equal(await verifyEd25519(key.publicKey, data, sig), true);
 * assert.equal(await verifyEd25519((await signingKey(2)).publicKey, data, sig), false);
 * ```
 */
export async function verifyEd25519(
  keyFile: Uint8Array,
  data: Uint8Array,
  sig: Uint8Array,
): Promise<boolean> {
  const der = publicKeyDer(keyFile);
  if (der === null) return false;
  try {
    const key = await crypto.subtle.importKey("spki", buffer(der), ED25519, false, ["verify"]);
    return await crypto.subtle.verify(ED25519, key, buffer(sig), buffer(data));
  } catch {
    return false;
  }
}

/** A key pair: the public key as `openssl pkey -pubout` writes it, and a signer. */
export interface SigningKey {
  /** The public key, PEM. */
  readonly publicKey: Uint8Array;
  /** The Ed25519 signature of `data`, as `openssl pkeyutl -sign -rawin` makes it. */
  sign(data: Uint8Array): Promise<Uint8Array>;
}

/**
 * The Ed25519 key pair of a seed: the same seed always gives the same key,
 * and (Ed25519 being deterministic) the same signatures.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { signingKey } from "./ed25519.ts";
 * const pem = new TextDecoder().decode((await signingKey(7)).publicKey);
 * assert.match(pem, /^-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA/);
 * ```
 */
export async function signingKey(seed: number): Promise<SigningKey> {
  const bytes = new Uint8Array(32);
  new DataView(bytes.buffer).setUint32(0, seed);
  const pkcs8 = new Uint8Array([...PKCS8_PREFIX, ...bytes]);
  const key = await crypto.subtle.importKey("pkcs8", pkcs8, ED25519, true, ["sign"]);
  const jwk = await crypto.subtle.exportKey("jwk", key);
  const x = Uint8Array.from(
    atob(jwk.x!.replaceAll("-", "+").replaceAll("_", "/")),
    (c) => c.charCodeAt(0),
  );
  const spki = String.fromCharCode(...SPKI_PREFIX, ...x);
  const pem = `-----BEGIN PUBLIC KEY-----\n${btoa(spki)}\n-----END PUBLIC KEY-----\n`;
  return {
    publicKey: new TextEncoder().encode(pem),
    sign: async (data) => new Uint8Array(await crypto.subtle.sign(ED25519, key, buffer(data))),
  };
}
