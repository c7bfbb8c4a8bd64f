import assert from "#assert";
import $ from "dax";
import { lstat, mkdir, readdir, readFile, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  type Attribute,
  ATTRIBUTES,
  DECOMPRESS,
  type Format,
  parseManifest,
  tarCommand,
} from "@tmpfs-root/model";
import { inspectArchive } from "./inspect_archive.ts";
import { packTree } from "./pack_tree.ts";
import { describeTree, makeTree, withTemp } from "./_testing.ts";

/** Unpacks `archive` with the module's own tar command into `into`, restoring `attributes`. */
async function unpack(
  archive: string,
  format: Format,
  into: string,
  attributes: readonly Attribute[] = ATTRIBUTES,
): Promise<void> {
  await mkdir(into, { recursive: true });
  const tar = tarCommand(into, attributes);
  if (format === "tar") await $`${tar}`.stdin($.path(archive)).stdout("null");
  else await $`${DECOMPRESS[format]}`.stdin($.path(archive)).pipe($`${tar}`.stdout("null"));
}

Deno.test("packTree() keeps owners, modes, hard links, xattrs, ACLs and odd names through the module's unpack", async () => {
  await withTemp(async (dir) => {
    await makeTree(join(dir, "tree"));
    const packed = await packTree({ dir: join(dir, "tree"), out: join(dir, "rootfs.tar.zst") });
    // The manifest names every kind the tree has, and the module's tar restores those.
    assert.deepEqual(packed.manifest.attributes, ["xattrs", "acls", "selinux"]);
    await unpack(packed.archive, "zstd", join(dir, "out"), packed.manifest.attributes);
    const [before, after] = [
      await describeTree(join(dir, "tree")),
      await describeTree(join(dir, "out")),
    ];
    assert.deepEqual(after, before);
    assert.ok(before.some((l) => l.includes("user.tmpfs-root")), "the xattr is in the tree");
    assert.ok(before.some((l) => l.includes("system.posix_acl_access")), "the ACL is in the tree");
    assert.ok(before.some((l) => l.includes("security.selinux")), "the label is in the tree");
    const inspection = await inspectArchive(packed.archive);
    assert.deepEqual(inspection.attributes, { xattrs: true, acls: true, selinux: true });
    assert.ok(
      before.some((l) => l.startsWith("usr/bin/b f 100755".slice(0, 9)) && l.includes("usr/bin/a")),
    );
    assert.deepEqual(packed.added, []);
  });
});

Deno.test("packTree() writes each format by the archive's ending, with a sha256 sidecar and a manifest that match it", async () => {
  await withTemp(async (dir) => {
    await makeTree(join(dir, "tree"));
    const cases: [string, Format][] = [
      ["r.tar.zst", "zstd"],
      ["r.tar.xz", "xz"],
      ["r.tgz", "gzip"],
      ["r.tar.bz2", "bzip2"],
      ["r.tar.lz4", "lz4"],
      ["r.tar", "tar"],
    ];
    let unpacked: number | null = null;
    for (const [name, format] of cases) {
      const packed = await packTree({ dir: join(dir, "tree"), out: join(dir, name) });
      const manifest = parseManifest(await readFile(packed.manifestPath, "utf8"));
      assert.equal(manifest.format, format, name);
      assert.equal(manifest.archive, name);
      assert.equal(manifest.compressedBytes, (await lstat(packed.archive)).size, name);
      assert.equal((await $`sha256sum -c ${name}.sha256`.cwd(dir).text()).trim(), `${name}: OK`);
      assert.equal(manifest.sha256, (await readFile(packed.sha256Path, "utf8")).slice(0, 64));
      // The same tree unpacks to the same size and inode count whatever the format.
      unpacked ??= manifest.unpackedBytes;
      assert.equal(manifest.unpackedBytes, unpacked, name);
      assert.equal(manifest.inodes, 19, name);
      await unpack(packed.archive, format, join(dir, `out-${format}`));
      assert.equal(await readFile(join(dir, `out-${format}/usr/bin/b`), "utf8"), "x".repeat(10000));
    }
  });
});

Deno.test("packTree() gives the same bytes for the same tree, and --mtime clamps newer times", async () => {
  await withTemp(async (dir) => {
    await makeTree(join(dir, "tree"));
    const one = await packTree({ dir: join(dir, "tree"), out: join(dir, "one.tar.gz") });
    await readFile(join(dir, "tree/etc/os-release")); // a read changes atime only
    await new Promise((r) => setTimeout(r, 1100));
    const two = await packTree({ dir: join(dir, "tree"), out: join(dir, "two.tar.gz") });
    assert.deepEqual(await readFile(two.archive), await readFile(one.archive));
    assert.equal(two.manifest.sha256, one.manifest.sha256);
    const clamped = await packTree({
      dir: join(dir, "tree"),
      out: join(dir, "c.tar"),
      mtime: 1_000_000,
    });
    await unpack(clamped.archive, "tar", join(dir, "c"));
    assert.equal(Math.floor((await lstat(join(dir, "c/usr/bin/a"))).mtimeMs / 1000), 1_000_000);
    assert.notEqual(clamped.manifest.sha256, one.manifest.sha256);
  });
});

Deno.test("packTree() adds the mount points a tree lacks, with fixed modes and mtimes", async () => {
  await withTemp(async (dir) => {
    await mkdir(join(dir, "tree/usr/lib/systemd"), { recursive: true });
    await writeFile(join(dir, "tree/usr/lib/systemd/systemd"), "", { mode: 0o755 });
    await symlink("usr/sbin", join(dir, "tree/sbin"));
    const packed = await packTree({ dir: join(dir, "tree"), out: join(dir, "r.tar"), mtime: 1234 });
    assert.deepEqual(packed.added, ["/proc", "/sys", "/dev", "/run", "/tmp"]);
    // Nothing in the tree carries an attribute: tar is asked to restore none.
    assert.deepEqual(packed.manifest.attributes, []);
    // Whole tar records, ending with the one that holds the end-of-archive blocks: a reading
    // tar stops after that record, so it consumes every byte and no decompressor is cut off.
    const size = (await lstat(packed.archive)).size;
    const listing = await $`tar -t -R -f ${packed.archive}`.text();
    const end = Number(/^block (\d+): \*\* Block of NULs \*\*$/m.exec(listing)?.[1]);
    assert.ok(Number.isInteger(end), listing);
    assert.equal(size, Math.ceil((end + 2) / 20) * 10240);
    await unpack(packed.archive, "tar", join(dir, "out"));
    for (const [point, mode] of [["proc", 0o555], ["tmp", 0o1777], ["run", 0o755]] as const) {
      const st = await lstat(join(dir, "out", point));
      assert.ok(st.isDirectory());
      assert.equal(st.mode & 0o7777, mode, point);
      assert.equal([st.uid, st.gid, st.mtimeMs / 1000].join(), "0,0,1234", point);
    }
    const again = await packTree({ dir: join(dir, "tree"), out: join(dir, "r2.tar"), mtime: 1234 });
    assert.equal(again.manifest.sha256, packed.manifest.sha256);
  });
});

Deno.test("packTree() refuses a tree without an init and leaves nothing behind, unless forced", async () => {
  await withTemp(async (dir) => {
    await mkdir(join(dir, "tree/etc"), { recursive: true });
    await mkdir(join(dir, "out"));
    await assert.rejects(
      packTree({ dir: join(dir, "tree"), out: join(dir, "out/r.tar.zst") }),
      /has no \/sbin\/init or \/usr\/lib\/systemd\/systemd: it would not boot \(name its init with --init PATH, or pack it anyway with --force\)/,
    );
    assert.deepEqual(await readdir(join(dir, "out")), []);
    const forced = await packTree({
      dir: join(dir, "tree"),
      out: join(dir, "out/r.tar.zst"),
      force: true,
    });
    assert.ok(forced.problems.length > 0);
    await writeFile(join(dir, "tree/etc/my-init"), "", { mode: 0o755 });
    const named = await packTree({
      dir: join(dir, "tree"),
      out: join(dir, "out/n.tar"),
      init: "/etc/my-init",
    });
    assert.deepEqual(named.problems, []);
  });
});

Deno.test("packTree() names what is wrong with its arguments and writes nothing", async () => {
  await withTemp(async (dir) => {
    await makeTree(join(dir, "tree"));
    const cases: [Parameters<typeof packTree>[0], RegExp][] = [
      [
        { dir: join(dir, "tree"), out: join(dir, "r.zip") },
        /Unknown archive ending "r.zip": expected .tar.zst, .tar.xz, .tar.gz, .tar.bz2, .tar.lz4 or .tar/,
      ],
      [
        { dir: join(dir, "tree"), out: join(dir, "r.tar.zst"), level: 22 },
        /Invalid --level "22": expected 1 to 19 for zstd/,
      ],
      [{ dir: join(dir, "tree"), out: join(dir, "r.tar"), level: 3 }, /a .tar is not compressed/],
      [{ dir: join(dir, "none"), out: join(dir, "r.tar") }, /Cannot read ".*none": ENOENT/],
      [{ dir: join(dir, "tree/sbin/init"), out: join(dir, "r.tar") }, /not a directory/],
      [{ dir: join(dir, "tree"), out: join(dir, "r[1].tar") }, /Invalid archive name "r\[1\].tar"/],
      [{ dir: join(dir, "tree"), out: join(dir, "no/such/dir/r.tar") }, /ENOENT/],
      [
        { dir: join(dir, "tree"), out: join(dir, "tree/etc/r.tar") },
        /Cannot write ".*tree\/etc\/r\.tar" inside the tree it packs: write the archive outside/,
      ],
    ];
    for (const [options, error] of cases) await assert.rejects(packTree(options), error);
    assert.deepEqual((await readdir(dir)).sort(), ["tree"]);
  });
});

Deno.test("packTree() reports progress up to the whole stream", async () => {
  await withTemp(async (dir) => {
    await makeTree(join(dir, "tree"));
    const seen: { bytes: number; total: number }[] = [];
    await packTree({
      dir: join(dir, "tree"),
      out: join(dir, "r.tar"),
      onProgress: (p) => seen.push(p),
    });
    const last = seen.at(-1)!;
    assert.equal(last.bytes, last.total);
    assert.equal(last.bytes, (await lstat(join(dir, "r.tar"))).size);
  });
});
