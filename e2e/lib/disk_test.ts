import assert from "#assert";
import $ from "dax";
import { makeDisk, probeDisk } from "./disk.ts";
import { makeLvmDisk } from "./lvm_disk.ts";

async function sampleFile(): Promise<string> {
  const f = await Deno.makeTempFile({ prefix: "e2e-disk-test-" });
  await Deno.writeTextFile(f, "archive stand-in\n");
  return f;
}

Deno.test("makeDisk() writes odd labels and UUIDs that blkid reads back", async () => {
  const f = await sampleFile();
  try {
    const gpt = await makeDisk({
      name: "test-gpt",
      table: "gpt",
      partLabel: `part "1"/ü $x`,
      partUuid: "11111111-2222-4333-8444-555555555555",
      fsLabel: "my disk/1",
      fsUuid: "66666666-7777-4888-9999-aaaaaaaaaaaa",
      files: { "images/rootfs.tar.gz": f },
    });
    const p = await probeDisk(gpt);
    assert.equal(p["PARTLABEL"], `part "1"/ü $x`);
    assert.equal(p["PARTUUID"], "11111111-2222-4333-8444-555555555555");
    assert.equal(p["LABEL"], "my\\ disk/1"); // blkid -o export escapes the space
    assert.equal(p["UUID"], "66666666-7777-4888-9999-aaaaaaaaaaaa");
    assert.equal(p["TYPE"], "ext4");
    const none = await makeDisk({ name: "test-none", table: "none", files: { "a/b": f } });
    assert.equal((await probeDisk(none))["TYPE"], "ext4");
    await Deno.remove(gpt);
    await Deno.remove(none);
  } finally {
    await Deno.remove(f);
  }
});

Deno.test("makeDisk() rejects labels it cannot write", async () => {
  await assert.rejects(
    () => makeDisk({ name: "test-bad", fsLabel: "a label longer than 16", files: {} }),
    RangeError,
  );
  await assert.rejects(
    () => makeDisk({ name: "test-bad", table: "mbr", partLabel: "x", files: {} }),
    /need a gpt table/,
  );
});

Deno.test({
  name: "makeLvmDisk() puts an ext4 file system at the logical volume's offset",
  ignore: Deno.uid() !== 0,
  fn: async () => {
    const f = await sampleFile();
    try {
      const img = await makeLvmDisk({
        name: "test-lvm",
        vg: "testvg",
        lv: "rootlv",
        fsLabel: "lvm root",
        files: { "images/rootfs.tar.gz": f },
      });
      // MBR partition at 1 MiB, LVM's first extent 1 MiB further.
      const head = await $`dd if=${img} bs=512 skip=2049 count=1 status=none`.bytes();
      assert.equal(new TextDecoder().decode(head.subarray(0, 8)), "LABELONE");
      const probe = await $`blkid -p -O ${String(2 * 1048576)} -o export ${img}`.text();
      assert.match(probe, /^TYPE=ext4$/m);
      assert.match(probe, /^LABEL=lvm\\ root$/m);
      await Deno.remove(img);
    } finally {
      await Deno.remove(f);
    }
  },
});
