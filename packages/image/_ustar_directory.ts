/** Writes `value` as a NUL-terminated octal field of `width` bytes at `at`. */
function octal(block: Uint8Array, at: number, width: number, value: number): void {
  const digits = value.toString(8).padStart(width - 1, "0");
  if (digits.length > width - 1) throw new RangeError(`Value ${value} does not fit a tar field`);
  block.set(new TextEncoder().encode(digits), at);
}

/**
 * One ustar header block for a directory owned by 0:0 (`./proc/`), with the
 * given mode and mtime: the entries `tmpfs-root pack` adds for mount points
 * a tree lacks. The same arguments always give the same bytes.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { ustarDirectory } from "./_ustar_directory.ts";
 * const block = ustarDirectory("./run/", 0o755, 0);
 * assert.equal(block.length, 512);
 * assert.equal(new TextDecoder().decode(block.subarray(257, 262)), "ustar");
 * ```
 */
export function ustarDirectory(name: string, mode: number, mtime: number): Uint8Array {
  const encoded = new TextEncoder().encode(name);
  if (encoded.length > 100) throw new RangeError(`Directory name "${name}" is too long for ustar`);
  const block = new Uint8Array(512);
  block.set(encoded, 0);
  octal(block, 100, 8, mode);
  octal(block, 108, 8, 0);
  octal(block, 116, 8, 0);
  octal(block, 124, 12, 0);
  octal(block, 136, 12, mtime);
  block[156] = "5".charCodeAt(0);
  block.set(new TextEncoder().encode("ustar\x0000"), 257);
  block.fill(0x20, 148, 156); // the checksum counts its own field as spaces
  const sum = block.reduce((a, b) => a + b, 0);
  block.set(new TextEncoder().encode(sum.toString(8).padStart(6, "0") + "\x00 "), 148);
  return block;
}
