import { formatOfHead } from "@tmpfs-root/model";
import type { ArchiveFormat } from "./archive.ts";

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
  const format = formatOfHead(bytes);
  return format === "tar" ? "plain" : format;
}
