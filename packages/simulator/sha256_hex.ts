/**
 * The SHA-256 digest of `bytes` as sha256sum prints it: 64 lower-case hex
 * digits. The simulator hashes the archive's bytes with it, as the module's
 * hasher does on their way to the decompressor (`rd.tmpfs.sha256`).
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { sha256Hex } from "./sha256_hex.ts";
 * assert.equal(
 *   await sha256Hex(new TextEncoder().encode("abc")),
 *   "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
 * );
 * ```
 */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(
    await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>),
  );
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}
