import assert from "#assert";
import $ from "dax";
import { buildGuestArchive } from "./guest.ts";
import { GARBAGE, holeArchive } from "./hole_archives.ts";
import { tarEntries } from "./tar_bytes.ts";

/** Decompresses with the named tool; returns its exit code, output and stderr. */
async function decompress(tool: "gzip" | "zstd", path: string) {
  const r = await $`${tool} -dc ${path}`.noThrow().stdout("piped").stderr("piped");
  return { code: r.code, bytes: r.stdoutBytes, stderr: r.stderr };
}

Deno.test({
  name: "holeArchive() makes each broken archive from the guest's plain tar",
  // The guest archive needs root (chown, mknod, trusted.* xattrs).
  ignore: Deno.uid() !== 0,
  fn: async () => {
    const plain = await Deno.readFile((await buildGuestArchive({ compression: "none" })).path);
    const whole = tarEntries(plain);
    const names = whole.entries.map((e) => e.name);

    // Cut: every member but the last, no end blocks; the same stream in every wrapping.
    const cut = await Deno.readFile(await holeArchive("cut.tar"));
    const layout = tarEntries(cut);
    assert.equal(layout.hasEndBlocks, false);
    assert.deepEqual(layout.entries.map((e) => e.name), names.slice(0, -1));
    assert.deepEqual(cut, plain.subarray(0, whole.entries.at(-2)!.end));
    const gz = await decompress("gzip", await holeArchive("cut.tar.gz"));
    assert.equal(gz.code, 0, gz.stderr);
    assert.deepEqual(gz.bytes, cut);
    const zst = await decompress("zstd", await holeArchive("cut.tar.zst"));
    assert.equal(zst.code, 0, zst.stderr);
    assert.deepEqual(zst.bytes, cut);
    const garbage = await decompress("gzip", await holeArchive("cut-garbage.tar.gz"));
    assert.equal(garbage.code, 2);
    assert.match(garbage.stderr, /trailing garbage ignored/);
    assert.deepEqual(garbage.bytes, cut);
    const raw = await Deno.readFile(await holeArchive("cut-garbage.tar.gz"));
    assert.deepEqual(raw.subarray(raw.length - GARBAGE.length), GARBAGE);

    // Extra members after the whole tree, then the end blocks.
    const badcap = await decompress("gzip", await holeArchive("badcap.tar.gz"));
    const b = tarEntries(badcap.bytes);
    assert.ok(b.hasEndBlocks);
    assert.deepEqual(b.entries.map((e) => e.name), [...names, "usr/bin/badcap"]);
    const pax = new TextDecoder().decode(
      badcap.bytes.subarray(b.entries.at(-1)!.start, b.entries.at(-1)!.header),
    );
    assert.match(pax, /\d+ SCHILY\.xattr\.security\.capability=garbage\n/);
    const dotdot = await decompress("gzip", await holeArchive("dotdot.tar.gz"));
    assert.deepEqual(tarEntries(dotdot.bytes).entries.map((e) => e.name), [
      ...names,
      "../escape",
      "a/../../escape2",
    ]);
  },
});
