import assert from "#assert";
import $ from "dax";
import {
  appendMembers,
  BLOCK,
  concatBytes,
  cutTar,
  endBlocks,
  endlessHeader,
  memberData,
  paxRecord,
  readNumber,
  tarEntries,
  tarMember,
  TIB,
  ustarHeader,
  writeNumber,
} from "./tar_bytes.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

/** A plain tar made by GNU tar (POSIX format, as the guest archive is) from three small files. */
async function gnuTar(dir: string): Promise<Uint8Array> {
  await Deno.mkdir(`${dir}/src/d`, { recursive: true });
  await Deno.writeTextFile(`${dir}/src/a.txt`, "a\n");
  await Deno.writeTextFile(`${dir}/src/d/b.txt`, "b".repeat(700));
  await Deno.writeTextFile(`${dir}/src/z.txt`, "z\n");
  await $`tar --format=posix --sort=name --numeric-owner -C ${`${dir}/src`} -cf ${`${dir}/t.tar`} .`;
  return await Deno.readFile(`${dir}/t.tar`);
}

/**
 * Runs GNU tar on a stream fed through a pipe, as the module does, and
 * returns its exit code, output and stderr (messages start `tar: `).
 */
async function tarRun(
  args: string[],
  data: Uint8Array,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const r = await $`tar ${args} -f -`.stdin(data).noThrow().stdout("piped").stderr("piped");
  return { code: r.code, stdout: r.stdout, stderr: r.stderr.replace(/^\S*tar: /gm, "tar: ") };
}

async function withDir(f: (dir: string) => Promise<void>, base?: string): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "e2e-tar-test-", ...(base ? { dir: base } : {}) });
  try {
    await f(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("writeNumber() writes octal while it fits, then GNU base-256", () => {
  const b = new Uint8Array(12);
  writeNumber(b, 0, 12, 0o77777777777);
  assert.equal(dec.decode(b), "77777777777\0");
  assert.equal(readNumber(b), 0o77777777777n);
  writeNumber(b, 0, 12, 0o100000000000);
  assert.equal(b[0], 0x80);
  assert.deepEqual([...b.subarray(1, 7)], [0, 0, 0, 0, 0, 0]);
  assert.equal(readNumber(b), 0o100000000000n);
  writeNumber(b, 0, 12, TIB);
  assert.deepEqual([...b], [0x80, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0]);
  assert.throws(() => writeNumber(new Uint8Array(8), 0, 8, 1n << 56n), /does not fit/);
  assert.throws(() => writeNumber(b, 0, 12, -1), /negative/);
});

Deno.test("paxRecord() counts its own length, across a digit boundary", () => {
  const r = dec.decode(paxRecord("SCHILY.xattr.security.capability", "garbage"));
  assert.equal(r, "44 SCHILY.xattr.security.capability=garbage\n");
  assert.equal(r.length, 44);
  // A body of 98 bytes: 99 would need 2 digits (100 bytes), 100 needs 3 (101 bytes).
  const v = "v".repeat(98 - " k=\n".length);
  const r2 = dec.decode(paxRecord("k", v));
  assert.equal(r2.length, 101);
  assert.ok(r2.startsWith("101 k="));
  assert.throws(() => paxRecord("a=b", "x"), /Invalid PAX key/);
});

Deno.test("ustarHeader() and tarMember() make members GNU tar lists as written", async () => {
  const data = concatBytes([
    tarMember({ name: "dir/", typeflag: "5", mode: 0o750, uid: 1234, gid: 5678 }),
    tarMember({ name: "dir/file", mode: 0o4755, data: enc.encode("hello\n") }),
    tarMember({ name: `long/${"n".repeat(120)}`, data: enc.encode("x") }),
    endBlocks(),
  ]);
  const r = await tarRun(["--numeric-owner", "-tv"], data);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split("\n");
  assert.match(lines[0]!, /^drwxr-x--- 1234\/5678 +0 .* dir\/$/);
  assert.match(lines[1]!, /^-rwsr-xr-x 0\/0 +6 .* dir\/file$/);
  assert.match(lines[2]!, new RegExp(`^-rw-r--r-- 0/0 +1 .* long/${"n".repeat(120)}$`));
  const x = await tarRun(["-xO", "dir/file"], data);
  assert.equal(x.stdout, "hello\n");
  const link = concatBytes([ustarHeader({ name: "l", typeflag: "2", linkname: "t" }), endBlocks()]);
  assert.match((await tarRun(["-tv"], link)).stdout, /^lrw-r--r-- .* l -> t$/m);
  assert.deepEqual(tarEntries(link).entries.map((e) => [e.name, e.typeflag]), [["l", "2"]]);
  assert.throws(() => ustarHeader({ name: "n".repeat(101) }), /longer than 100 bytes/);
});

Deno.test("ustarHeader() writes device numbers GNU tar lists; FIFOs and links need none", async () => {
  const data = concatBytes([
    tarMember({ name: "null", typeflag: "3", devmajor: 1, devminor: 3, mode: 0o666 }),
    tarMember({ name: "loop0", typeflag: "4", devmajor: 7, devminor: 0, mode: 0o660, gid: 6 }),
    tarMember({ name: "fifo", typeflag: "6", mode: 0o640, uid: 1234, gid: 5678 }),
    tarMember({ name: "hard", typeflag: "1", linkname: "/etc/os-release" }),
    endBlocks(),
  ]);
  const r = await tarRun(["--numeric-owner", "-tv"], data);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split("\n");
  assert.match(lines[0]!, /^crw-rw-rw- 0\/0 +1,3 .* null$/);
  assert.match(lines[1]!, /^brw-rw---- 0\/6 +7,0 .* loop0$/);
  assert.match(lines[2]!, /^prw-r----- 1234\/5678 +0 .* fifo$/);
  // tar -t strips the leading "/" of a link target as -x does.
  assert.match(lines[3]!, /^hrw-r--r-- 0\/0 +0 .* hard link to etc\/os-release$/);
  assert.equal(r.stderr, "tar: Removing leading `/' from hard link targets\n");
  const h = ustarHeader({ name: "c", typeflag: "3", devmajor: 5, devminor: 1 });
  assert.equal(dec.decode(h.subarray(329, 345)), "0000005\u00000000001\u0000");
  assert.deepEqual([...ustarHeader({ name: "f" }).subarray(329, 345)], new Array(16).fill(0));
});

Deno.test("memberData() returns the last member of a name, with or without ./", () => {
  const tar = concatBytes([
    tarMember({ name: "./etc/e2e-expect", data: enc.encode("first\n") }),
    tarMember({ name: `long/${"n".repeat(120)}`, data: enc.encode("long\n") }),
    tarMember({ name: "etc/e2e-expect", data: enc.encode("second\n") }),
    endBlocks(),
  ]);
  assert.equal(dec.decode(memberData(tar, "etc/e2e-expect")), "second\n");
  assert.equal(dec.decode(memberData(tar, "./etc/e2e-expect")), "second\n");
  assert.equal(dec.decode(memberData(tar, `long/${"n".repeat(120)}`)), "long\n");
  assert.equal(memberData(tar, "etc"), undefined);
});

Deno.test("endlessHeader() claims 1 TiB in base-256, which GNU tar reads back", async () => {
  const h = endlessHeader("endless.bin");
  assert.equal(h.length, BLOCK);
  assert.equal(h[124], 0x80);
  assert.equal(readNumber(h.subarray(124, 136)), TIB);
  assert.equal(dec.decode(h.subarray(257, 263)), "ustar\0");
  const r = await tarRun(["-tv"], concatBytes([h, new Uint8Array(4 * BLOCK)]));
  assert.match(r.stdout, /^-rw-r--r-- 0\/0 +1099511627776 .* endless\.bin$/m);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /Unexpected EOF in archive/);
  assert.throws(() => tarEntries(concatBytes([h, new Uint8Array(BLOCK)])), /runs past its end/);
});

Deno.test("tarEntries() groups PAX headers with their member and finds the end blocks", async () => {
  await withDir(async (dir) => {
    const tar = await gnuTar(dir);
    const layout = tarEntries(tar);
    assert.deepEqual(layout.entries.map((e) => e.name), [
      "./",
      "./a.txt",
      "./d/",
      "./d/b.txt",
      "./z.txt",
    ]);
    assert.ok(layout.hasEndBlocks);
    assert.ok(layout.entries.every((e) => e.start % BLOCK === 0 && e.header >= e.start));
    for (let i = 1; i < layout.entries.length; i++) {
      assert.equal(layout.entries[i]!.start, layout.entries[i - 1]!.end);
    }
    assert.equal(layout.entries.at(-1)!.end, layout.dataEnd);
    const b = layout.entries[3]!;
    assert.equal(b.size, 700n);
    assert.equal(b.end - b.header, BLOCK + 2 * BLOCK);
    const broken = tar.slice();
    broken[layout.entries[1]!.header + 10]! ^= 1;
    assert.throws(() => tarEntries(broken), /bad checksum/);
  });
});

Deno.test("cutTar() drops the last members and the end blocks; GNU tar still exits 0", async () => {
  await withDir(async (dir) => {
    const tar = await gnuTar(dir);
    const cut = cutTar(tar);
    const layout = tarEntries(cut);
    assert.equal(layout.hasEndBlocks, false);
    assert.equal(layout.dataEnd, cut.length);
    assert.deepEqual(layout.entries.map((e) => e.name), ["./", "./a.txt", "./d/", "./d/b.txt"]);
    const r = await tarRun(["-t"], cut);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, "");
    assert.equal(r.stdout, "./\n./a.txt\n./d/\n./d/b.txt\n");
    const two = cutTar(tar, 2);
    assert.deepEqual(tarEntries(two).entries.map((e) => e.name), ["./", "./a.txt", "./d/"]);
    assert.deepEqual(cutTar(tar, 0), tar.subarray(0, tarEntries(tar).dataEnd));
    assert.throws(() => cutTar(tar, 5), /Invalid drop/);
  });
});

Deno.test("appendMembers() adds members GNU tar extracts, and '..' names it refuses", async () => {
  await withDir(async (dir) => {
    const tar = await gnuTar(dir);
    const out = appendMembers(tar, [
      { name: "./new.txt", data: enc.encode("new\n") },
      { name: "../escape", data: enc.encode("escaped\n") },
    ]);
    const layout = tarEntries(out);
    assert.ok(layout.hasEndBlocks);
    assert.equal(out.length, layout.dataEnd + 2 * BLOCK);
    assert.deepEqual(layout.entries.slice(-2).map((e) => e.name), ["./new.txt", "../escape"]);
    await Deno.mkdir(`${dir}/x`);
    const r = await tarRun(["-C", `${dir}/x`, "-x"], out);
    assert.equal(await Deno.readTextFile(`${dir}/x/new.txt`), "new\n");
    assert.equal(r.code, 2);
    const lines = r.stderr.split("\n");
    assert.equal(lines[0], "tar: Removing leading `../' from member names");
    assert.equal(lines[1], "tar: ../escape: Member name contains '..'");
  });
});

Deno.test({
  name: "tarMember() PAX xattrs reach the file; a garbage capability only makes GNU tar warn",
  ignore: Deno.uid() !== 0,
  fn: async () => {
    // On a tmpfs, as root: trusted.* is kept; security.capability is checked by the kernel.
    await withDir(async (dir) => {
      const out = concatBytes([
        tarMember({
          name: "good",
          data: enc.encode("g\n"),
          pax: { "SCHILY.xattr.trusted.e2e": "v" },
        }),
        tarMember({
          name: "badcap",
          mode: 0o755,
          data: enc.encode("b\n"),
          pax: { "SCHILY.xattr.security.capability": "garbage" },
        }),
        endBlocks(),
      ]);
      await Deno.mkdir(`${dir}/x`);
      const r = await tarRun(
        ["--xattrs", "--xattrs-include=*", "-C", `${dir}/x`, "-x"],
        out,
      );
      assert.equal(r.code, 0, "GNU tar 1.34 exits 0 when it cannot set an xattr (the hole)");
      assert.match(
        r.stderr,
        /Cannot set 'security\.capability' extended attribute for file 'badcap': Invalid argument/,
      );
      const got = await $`getfattr --absolute-names --only-values -n trusted.e2e ${`${dir}/x/good`}`
        .text();
      assert.equal(got, "v");
      assert.equal(await Deno.readTextFile(`${dir}/x/badcap`), "b\n");
    }, "/dev/shm");
  },
});
