import type { ArchiveFormat } from "./archive.ts";

const MAGIC: readonly (readonly [ArchiveFormat, readonly number[]])[] = [
  ["gzip", [0x1f, 0x8b]],
  ["xz", [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
  ["zstd", [0x28, 0xb5, 0x2f, 0xfd]],
  ["bzip2", [0x42, 0x5a, 0x68]],
  ["lz4", [0x04, 0x22, 0x4d, 0x18]],
];

const USTAR = [0x75, 0x73, 0x74, 0x61, 0x72]; // "ustar" at offset 257

function startsWith(bytes: Uint8Array, magic: readonly number[], at = 0): boolean {
  if (bytes.length < at + magic.length) return false;
  return magic.every((b, i) => bytes[at + i] === b);
}

/**
 * Detects an archive's format by its first bytes, as the emitted shell
 * does: the magic numbers of gzip, xz, zstd, bzip2 and lz4, or `ustar` at
 * offset 257 for a plain tar. `null` when none matches.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { detectFormat } from "./detect_format.ts";
 * assert.equal(detectFormat(new Uint8Array([0x1f, 0x8b, 8, 0])), "gzip");
 * assert.equal(detectFormat(new TextEncoder().encode("hello")), null);
 * ```
 */
export function detectFormat(bytes: Uint8Array): ArchiveFormat | null {
  for (const [format, magic] of MAGIC) if (startsWith(bytes, magic)) return format;
  return startsWith(bytes, USTAR, 257) ? "plain" : null;
}
