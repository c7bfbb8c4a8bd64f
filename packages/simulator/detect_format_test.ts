import assert from "#assert";
import type { ArchiveFormat } from "./archive.ts";
import { detectFormat } from "./detect_format.ts";
import { makeArchive } from "./make_archive.ts";

const CASES: readonly (readonly [string, Uint8Array, ArchiveFormat | null])[] = [
  ["gzip", new Uint8Array([0x1f, 0x8b, 0x08]), "gzip"],
  ["xz", new Uint8Array([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0x00]), "xz"],
  ["zstd", new Uint8Array([0x28, 0xb5, 0x2f, 0xfd, 0x04]), "zstd"],
  ["bzip2", new TextEncoder().encode("BZh91AY"), "bzip2"],
  ["lz4", new Uint8Array([0x04, 0x22, 0x4d, 0x18, 0x64]), "lz4"],
  ["plain tar", await makeArchive({ a: "a" }), "plain"],
  ["text", new TextEncoder().encode("hello world"), null],
  ["an empty file", new Uint8Array(0), null],
  ["a cut magic number", new Uint8Array([0xfd, 0x37, 0x7a]), null],
];

for (const [name, bytes, format] of CASES) {
  Deno.test(`detectFormat() detects ${name} as ${format}`, () => {
    assert.equal(detectFormat(bytes), format);
  });
}
