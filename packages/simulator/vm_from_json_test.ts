import assert from "#assert";
import { BOOT } from "@tmpfs-root/model";
import { simulate } from "./simulate.ts";
import { vmFromJson } from "./vm_from_json.ts";
import { signingKey } from "./ed25519.ts";

const ENTRIES = {
  "etc/os-release": "ID=demo\n",
  "sbin/init": { type: "symlink", target: "/bin/busybox" },
};

Deno.test("vmFromJson() builds every kind of source that then boots", async () => {
  const archive = { archive: { format: "gzip", entries: ENTRIES } };
  const vm = await vmFromJson({
    flavour: "systemd",
    ram: "1G",
    disks: [{
      path: "/dev/vda1",
      label: "images",
      partuuid: "abcd-01",
      appearsAt: 5,
      files: { "rootfs.tar.gz": archive },
    }],
    lvm: [{ vg: "centos", lv: "root", files: { "rootfs.tar.gz": archive } }],
    nfs: [{
      server: "10.0.2.2",
      export: "/srv",
      versions: [4],
      files: { "rootfs.tar.gz": archive },
    }],
    web: [{ url: "http://10.0.2.2/rootfs.tar.gz", body: archive, failFirst: 1, failWith: "drop" }],
  });
  assert.equal(vm.flavour, "systemd");
  assert.equal(vm.ram, 1024 ** 3);
  for (
    const cmdline of [
      "root=tmpfs:LABEL=images",
      "root=tmpfs:PARTUUID=ABCD-01",
      "root=tmpfs:/dev/mapper/centos-root rd.lvm.lv=centos/root",
      "root=tmpfs:NFS=nfs4:10.0.2.2:/srv",
      "root=tmpfs:http://10.0.2.2/rootfs.tar.gz",
    ]
  ) {
    const r = await simulate(BOOT, vm, cmdline);
    assert.equal(r.outcome.kind, "switched", cmdline);
  }
});

Deno.test("vmFromJson() reads text, base64 and files relative to a folder", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeFile(`${dir}/blob`, new Uint8Array([1, 2, 3]));
    const vm = await vmFromJson({
      disks: [{
        path: "/dev/vda",
        files: { a: "text", b: { base64: "AAEC" }, c: { path: "blob" } },
      }],
    }, dir);
    assert.deepEqual(vm.disks[0]?.files, {
      a: new TextEncoder().encode("text"),
      b: new Uint8Array([0, 1, 2]),
      c: new Uint8Array([1, 2, 3]),
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("vmFromJson() damages archives on request", async () => {
  const vm = await vmFromJson({
    disks: [
      {
        path: "/dev/vda",
        files: { "rootfs.tar.gz": { archive: { entries: ENTRIES, truncate: 40 } } },
      },
      {
        path: "/dev/vdb",
        files: { "rootfs.tar.gz": { archive: { entries: ENTRIES, corrupt: true } } },
      },
      { path: "/dev/vdc", appearsAt: "never" },
    ],
  });
  const messages = [];
  for (const dev of ["vda", "vdb", "vdc"]) {
    const r = await simulate(BOOT, vm, `root=tmpfs:/dev/${dev} rd.retry=3`);
    messages.push(r.outcome.kind === "stopped" ? r.outcome.message : r.outcome.kind);
  }
  assert.deepEqual(messages, [
    "tmpfs-root: unpack failed: rootfs.tar.gz is truncated",
    "tmpfs-root: unpack failed: rootfs.tar.gz is corrupt",
    "tmpfs-root: source failed: device /dev/vdc (/dev/vdc) did not appear within 2 seconds",
  ]);
});

const INVALID: readonly (readonly [string, unknown, string])[] = [
  ["a list at the top", [], "Invalid VM description at the top level: expected an object"],
  [
    "an unknown flavour",
    { flavour: "upstart" },
    'Invalid VM description at flavour: expected "classic" or "systemd"',
  ],
  [
    "a RAM size with a bad unit",
    { ram: "4Q" },
    'Invalid VM description at ram: expected bytes with an optional k, m or g (e.g. "4G")',
  ],
  [
    "a disk without a path",
    { disks: [{}] },
    "Invalid VM description at disks[0].path: expected a string",
  ],
  [
    "a negative appearsAt",
    { disks: [{ path: "/dev/vda", appearsAt: -1 }] },
    "Invalid VM description at disks[0].appearsAt: expected a whole number",
  ],
  [
    "an unknown archive format",
    { nfs: [{ server: "s", export: "/e", files: { a: { archive: { format: "rar" } } } }] },
    "Invalid VM description at nfs[0].files.a.archive.format: expected gzip, xz, zstd, bzip2, lz4, plain",
  ],
  [
    "a key's name with a slash",
    { keys: { "a/site.pub": "x" } },
    "Invalid VM description at keys.a/site.pub: expected a file name of letters, digits and ._- that does not start with a dot",
  ],
  [
    "a key's name with a dot first",
    { keys: { ".site.pub": "x" } },
    "Invalid VM description at keys..site.pub: expected a file name of letters, digits and ._- that does not start with a dot",
  ],
  [
    "a bad failWith",
    { web: [{ url: "http://x/", failWith: "maybe" }] },
    'Invalid VM description at web[0].failWith: expected "refused", "drop" or an HTTP status',
  ],
];

Deno.test("vmFromJson() reads the initramfs's public keys, which make a signature mandatory", async () => {
  const key = await signingKey(3);
  const pem = new TextDecoder().decode(key.publicKey);
  const vm = await vmFromJson({
    keys: { "site.pub": { text: pem } },
    disks: [{
      path: "/dev/vda1",
      files: { "rootfs.tgz": { archive: { format: "gzip", entries: ENTRIES } } },
    }],
  });
  assert.deepEqual(Object.keys(vm.keys ?? {}), ["site.pub"]);
  const r = await simulate(BOOT, vm, "root=tmpfs:/dev/vda1 rd.tmpfs.imgfile=rootfs.tgz");
  assert.equal(
    r.outcome.kind === "stopped" && r.outcome.message,
    "tmpfs-root: verify failed: rootfs.tgz.sha256 is missing",
  );
});

for (const [name, json, message] of INVALID) {
  Deno.test(`vmFromJson() rejects ${name}`, async () => {
    await assert.rejects(vmFromJson(json), { name: "TypeError", message });
  });
}
