import assert from "#assert";
import { tmpfsBytes } from "./tmpfs_bytes.ts";

const GIB = 1024 ** 3;
const CASES: readonly (readonly [string, number, number])[] = [
  ["3G", 8 * GIB, 3 * GIB],
  ["3g", 8 * GIB, 3 * GIB],
  ["512m", 8 * GIB, 512 * 1024 ** 2],
  ["32k", 8 * GIB, 32768],
  ["1", 8 * GIB, 4096],
  ["5000", 8 * GIB, 8192],
  ["50%", 8 * GIB, 4 * GIB],
  ["100%", 1000, 4096],
];

for (const [size, ram, bytes] of CASES) {
  Deno.test(`tmpfsBytes() makes size=${size} with ${ram} bytes of RAM ${bytes} bytes`, () => {
    assert.equal(tmpfsBytes(size, ram), bytes);
  });
}

Deno.test("tmpfsBytes() rejects a size without a number", () => {
  assert.throws(() => tmpfsBytes("3Q", GIB), RangeError);
});
