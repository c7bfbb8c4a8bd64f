// Layers (rd.tmpfs.imgfile with commas): unpacked in order, a later one laid over the ones below
// by the model's overlay rule (whiteouts, opaque folders), a digest and a manifest for each, and
// each layer's URL from a web server.
import assert from "#assert";
import { type Attribute, formatManifest } from "@tmpfs-root/model";
import { boot, events, messageOf, VM, WEB } from "./_testing.ts";
import { makeArchive } from "./make_archive.ts";
import { sha256Hex } from "./sha256_hex.ts";
import type { Vm } from "./vm.ts";

const BASE = await makeArchive({
  "etc/os-release": "ID=base\n",
  "etc/motd": "base\n",
  "var/cache/a": "a",
  "lib": { type: "symlink", target: "usr/lib" },
  "usr/lib/libc.so": "libc",
}, "gzip");
const SITE = await makeArchive({
  "etc/hostname": "site\n",
  "etc/.wh.motd": "",
  "var/cache/.wh..wh..opq": "",
  "var/cache/b": "b",
  "lib/modules/m.ko": "m",
}, "zstd");
const NODE = await makeArchive({ "etc/hostname": "node-17\n", ".wh.nothing": "" }, "plain");
const FILES = { "base.tgz": BASE, "site.tar.zst": SITE, "node.tar": NODE };
const LAYERS = "rd.tmpfs.imgfile=base.tgz,site.tar.zst,node.tar";

const disk = (files: Record<string, Uint8Array> = FILES, ram = VM.ram): Vm => ({
  ...VM,
  ram,
  disks: [{ path: "/dev/vda1", files }],
});

Deno.test("simulate() lays each layer over the ones below: whiteouts, opaque folders, links replaced", async () => {
  const r = await boot(`root=tmpfs:/dev/vda1 ${LAYERS}`, disk());
  assert.equal(messageOf(r), "switched");
  if (r.outcome.kind !== "switched") return;
  const files = r.outcome.files;
  assert.deepEqual(
    [...files.keys()].sort(),
    [
      "/etc/hostname",
      "/etc/os-release",
      "/lib/modules/m.ko",
      "/usr/lib/libc.so",
      "/var/cache/b",
    ].concat([...files.keys()].filter((p) => files.get(p)!.type === "directory")).sort(),
  );
  assert.equal(new TextDecoder().decode(files.get("/etc/hostname")!.data), "node-17\n");
  // Each later layer is unpacked in a stage folder inside the tmpfs, then the whiteouts go.
  assert.deepEqual(events(r, "stage").map((e) => e.path), [
    "/sysroot/.tmpfs-root-layer.1",
    "/sysroot/.tmpfs-root-layer.2",
  ]);
  assert.equal(events(r, "whiteouts").length, 3);
});

Deno.test("simulate() checks a digest for each layer and names the layer that differs", async () => {
  const sums = await Promise.all([BASE, SITE, NODE].map(sha256Hex));
  const ok = await boot(`root=tmpfs:/dev/vda1 ${LAYERS} rd.tmpfs.sha256=${sums.join(",")}`, disk());
  assert.equal(messageOf(ok), "switched");
  const wrong = await boot(
    `root=tmpfs:/dev/vda1 ${LAYERS} rd.tmpfs.sha256=${sums[0]},${sums[0]},${sums[2]}`,
    disk(),
  );
  assert.equal(
    messageOf(wrong),
    `tmpfs-root: verify failed: site.tar.zst has sha256 ${sums[1]}, expected ${sums[0]}`,
  );
  const few = await boot(`root=tmpfs:/dev/vda1 ${LAYERS} rd.tmpfs.sha256=${sums[0]}`, disk());
  assert.match(messageOf(few), /^tmpfs-root: cmdline failed: invalid rd\.tmpfs\.sha256 /);
});

Deno.test("simulate() sizes the tmpfs from the layers' manifests added up, or not at all when one lacks one", async () => {
  const MiB = 1024 ** 2;
  const manifest = (archive: string, bytes: number) =>
    new TextEncoder().encode(formatManifest({
      archive,
      format: "gzip",
      compressedBytes: 1,
      unpackedBytes: bytes,
      inodes: 100,
      sha256: "0".repeat(64),
    }));
  const all = {
    ...FILES,
    "base.tgz.manifest": manifest("base.tgz", 100 * MiB),
    "site.tar.zst.manifest": manifest("site.tar.zst", 10 * MiB),
    "node.tar.manifest": manifest("node.tar", 10 * MiB),
  };
  const sized = await boot(`root=tmpfs:/dev/vda1 ${LAYERS}`, disk(all, 4 * 1024 ** 3));
  const mount = events(sized, "mount").find((e) => e.fstype === "tmpfs")!;
  // 120 MiB and 64 MiB of headroom; 300 inodes and 16,384 more.
  assert.match(mount.options, /^size=192937984,nr_inodes=16684,/);
  const { "node.tar.manifest": _, ...partial } = all;
  const unsized = await boot(`root=tmpfs:/dev/vda1 ${LAYERS}`, disk(partial, 4 * 1024 ** 3));
  assert.match(events(unsized, "mount").find((e) => e.fstype === "tmpfs")!.options, /^size=50%,/);
  // Too large for the RAM: one line that names the layers.
  const small = await boot(`root=tmpfs:/dev/vda1 ${LAYERS}`, disk(all, 200 * MiB));
  assert.match(
    messageOf(small),
    /^tmpfs-root: tmpfs failed: base\.tgz,site\.tar\.zst,node\.tar unpacks to 120\.0 MiB, the RAM less its reserve allows 72\.0 MiB$/,
  );
});

Deno.test("simulate() downloads each layer from the URL with its name appended, and names one that is missing", async () => {
  const web: Vm = {
    ...VM,
    web: Object.entries(FILES).map(([name, body]) => ({ url: `${WEB}/l/${name}`, body })),
  };
  const r = await boot(`root=tmpfs:${WEB}/l/ ${LAYERS} rd.tmpfs.retries=0`, web);
  assert.equal(messageOf(r), "switched");
  assert.deepEqual(
    events(r, "fetch").map((e) => e.url).filter((u) => !u.endsWith(".manifest")),
    ["base.tgz", "site.tar.zst", "node.tar"].map((n) => `${WEB}/l/${n}`),
  );
  const missing = await boot(
    `root=tmpfs:${WEB}/l/ rd.tmpfs.imgfile=base.tgz,gone.tar rd.tmpfs.retries=0`,
    web,
  );
  assert.match(messageOf(missing), new RegExp(`${WEB}/l/gone\\.tar`));
});

Deno.test("simulate() has tar restore only the kinds of attribute each layer's manifest names, every kind without one", async () => {
  // A bad file capability: tar stops the boot when it is asked to restore xattrs.
  const CAP = await makeArchive({
    "sbin/init": "init",
    "bin/ping": { data: "x", xattrs: { "security.capability": "bad" } },
  }, "gzip");
  const manifest = (archive: string, attributes?: readonly Attribute[]) =>
    new TextEncoder().encode(formatManifest({
      archive,
      format: "gzip",
      compressedBytes: 1,
      unpackedBytes: 4096,
      inodes: 2,
      sha256: "0".repeat(64),
      ...(attributes === undefined ? {} : { attributes }),
    }));
  const unpacks = (r: Awaited<ReturnType<typeof boot>>) =>
    events(r, "unpack").map((e) => [e.from.slice(e.from.lastIndexOf("/") + 1), e.attributes]);
  const files = {
    ...FILES,
    "cap.tgz": CAP,
    "base.tgz.manifest": manifest("base.tgz", []),
    "cap.tgz.manifest": manifest("cap.tgz", ["acls", "selinux"]),
    "node.tar.manifest": manifest("node.tar"),
  };
  const r = await boot(
    "root=tmpfs:/dev/vda1 rd.tmpfs.imgfile=base.tgz,cap.tgz,node.tar",
    disk(files),
  );
  assert.equal(messageOf(r), "switched");
  assert.deepEqual(unpacks(r), [
    ["base.tgz", []],
    ["cap.tgz", ["acls", "selinux"]],
    ["node.tar", ["xattrs", "acls", "selinux"]],
  ]);
  // The capability's manifest names xattrs: tar sets it, and the kernel refuses it.
  const withXattrs = await boot(
    "root=tmpfs:/dev/vda1 rd.tmpfs.imgfile=base.tgz,cap.tgz,node.tar",
    disk({ ...files, "cap.tgz.manifest": manifest("cap.tgz", ["xattrs"]) }),
  );
  assert.match(
    messageOf(withXattrs),
    /^tmpfs-root: unpack failed: tar could not set a security attribute: /,
  );
  // Digests checked: every kind for every layer, whatever the manifests (which no digest covers:
  // one naming too few would strip what the checked archive holds).
  const sums = await Promise.all([BASE, CAP, NODE].map(sha256Hex));
  const checked = await boot(
    `root=tmpfs:/dev/vda1 rd.tmpfs.imgfile=base.tgz,cap.tgz,node.tar rd.tmpfs.sha256=${
      sums.join(",")
    }`,
    disk(files),
  );
  assert.match(messageOf(checked), /tar could not set a security attribute/);
  assert.deepEqual(unpacks(checked).map(([, a]) => a), [
    ["xattrs", "acls", "selinux"],
    ["xattrs", "acls", "selinux"],
  ]);
  // One layer without a manifest: no layer is sized, and each gets every kind.
  const { "node.tar.manifest": _, ...partial } = files;
  const none = await boot(
    "root=tmpfs:/dev/vda1 rd.tmpfs.imgfile=base.tgz,cap.tgz,node.tar",
    disk(partial),
  );
  assert.match(
    messageOf(none),
    /^tmpfs-root: unpack failed: tar could not set a security attribute: /,
  );
  assert.deepEqual(unpacks(none).map(([, a]) => a), [["xattrs", "acls", "selinux"], [
    "xattrs",
    "acls",
    "selinux",
  ]]);
});
