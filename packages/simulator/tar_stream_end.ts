const BLOCK = 512;

/** Types whose size field counts no data: hard and symbolic links, devices, directories, FIFOs. */
const NO_DATA = new Set(["1", "2", "3", "4", "5", "6"]);

function zero(bytes: Uint8Array, at: number): boolean {
  for (let i = at; i < at + BLOCK; i++) if (bytes[i] !== 0) return false;
  return true;
}

/** The size field (offset 124, 12 bytes): octal, or base-256 when its first byte has the high bit. */
function sizeField(bytes: Uint8Array, at: number): number {
  const field = bytes.subarray(at + 124, at + 136);
  if ((field[0]! & 0x80) !== 0) {
    let n = field[0]! & 0x7f;
    for (let i = 1; i < field.length; i++) n = n * 256 + field[i]!;
    return n;
  }
  const text = new TextDecoder().decode(field).replace(/[\0 ].*$/s, "").trim();
  return /^[0-7]+$/.test(text) ? parseInt(text, 8) : 0;
}

/**
 * How a tar stream ends, as GNU tar's `-R` reports it: `"end"` when a
 * member boundary is followed by two zero blocks (the end-of-archive
 * marker), `"lone"` when by a single zero block (tar warns "A lone zero
 * block"), `"cut"` when the stream stops at or inside a member. GNU tar
 * exits 0 for a stream cut at a member boundary; tmpfs-root calls anything
 * but `"end"` truncated.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { tarStreamEnd } from "./tar_stream_end.ts";
 * import { makeArchive } from "./make_archive.ts";
 * const tar = await makeArchive({ a: "x", b: "y" }, "plain");
 * assert.equal(tarStreamEnd(tar), "end");
 * assert.equal(tarStreamEnd(tar.subarray(0, 1024)), "cut");
 * ```
 */
export function tarStreamEnd(bytes: Uint8Array): "end" | "lone" | "cut" {
  const at = tarEndOffset(bytes);
  if (at === null) return "cut";
  return at + 2 * BLOCK <= bytes.length && zero(bytes, at + BLOCK) ? "end" : "lone";
}

/**
 * The offset of the first zero block at a member boundary (where the
 * end-of-archive marker starts), or `null` when the stream has none.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { tarEndOffset } from "./tar_stream_end.ts";
 * import { makeArchive } from "./make_archive.ts";
 * assert.equal(tarEndOffset(await makeArchive({ a: "x" }, "plain")), 1024);
 * ```
 */
export function tarEndOffset(bytes: Uint8Array): number | null {
  let at = 0;
  while (at + BLOCK <= bytes.length) {
    if (zero(bytes, at)) return at;
    const type = String.fromCharCode(bytes[at + 156]!);
    const data = NO_DATA.has(type) ? 0 : Math.ceil(sizeField(bytes, at) / BLOCK) * BLOCK;
    at += BLOCK + data;
  }
  return null;
}

/** Regular files (GNU tar's old `\0` type, `0`, and contiguous `7`). */
const REGULAR = new Set(["\0", "0", "7"]);

/**
 * The bytes a tmpfs holds after tar has unpacked `bytes`, a tar stream
 * that may stop anywhere: every regular file's data that arrived, rounded
 * up to whole 4 KiB pages, as a tmpfs counts it (tar reads whole 512-byte
 * blocks: a block cut short is never written). This is what fills a small
 * tmpfs before tar notices that the stream was cut.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { tarWrittenBytes } from "./tar_stream_end.ts";
 * import { makeArchive } from "./make_archive.ts";
 * const tar = await makeArchive({ a: "x", b: "y".repeat(5000) }, "plain");
 * assert.equal(tarWrittenBytes(tar), 4096 + 8192);
 * assert.equal(tarWrittenBytes(tar.subarray(0, 1024 + 512 + 600)), 4096 + 4096);
 * assert.equal(tarWrittenBytes(tar.subarray(0, 1024 + 512 + 100)), 4096);
 * ```
 */
export function tarWrittenBytes(bytes: Uint8Array): number {
  let at = 0;
  let total = 0;
  while (at + BLOCK <= bytes.length) {
    if (zero(bytes, at)) break;
    const type = String.fromCharCode(bytes[at + 156]!);
    const size = NO_DATA.has(type) ? 0 : sizeField(bytes, at);
    if (REGULAR.has(type)) {
      // tar reads whole blocks: a block cut short is never written.
      const blocks = Math.floor(Math.max(0, bytes.length - at - BLOCK) / BLOCK) * BLOCK;
      const arrived = Math.min(size, blocks);
      total += Math.ceil(arrived / 4096) * 4096;
    }
    at += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
  }
  return total;
}
