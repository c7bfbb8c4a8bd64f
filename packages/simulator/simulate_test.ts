import assert from "#assert";
import {
  BOOT,
  literal,
  makeTempDir,
  output,
  param,
  phase,
  remove,
  sequence,
} from "@tmpfs-root/model";
import { ONFAIL, PARAMS } from "@tmpfs-root/model";
import {
  archiveFetches,
  assertClean,
  BIG_TGZ,
  boot,
  messageOf,
  ROOT_ENTRIES,
  SELINUX_TGZ,
  TAR,
  TGZ,
  VM,
  WEB,
} from "./_testing.ts";
import type { ArchiveFormat } from "./archive.ts";
import { makeArchive } from "./make_archive.ts";
import { simulate } from "./simulate.ts";
import type { SimEvent } from "./trace.ts";
import type { Vm } from "./vm.ts";

/** Events without the step ids, for comparing with a command log. */
function plain(events: readonly SimEvent[]): object[] {
  return events.map(({ step: _, ...rest }) => rest);
}

/** Example command lines: a disk, an LVM volume, NFS with a static address. */
const EXAMPLES = [
  "root=tmpfs:/dev/vda1 rd.tmpfs.size=3G rd.tmpfs.imgfile=rootfs.tgz ro",
  "root=tmpfs:/dev/mapper/centos-root rd.tmpfs.size=5G rd.tmpfs.imgfile=images/rootfs.tar.gz rd.lvm.lv=centos/root ro",
  "root=tmpfs:NFS=nfs:10.0.0.11:/nfsexport,tcp rd.tmpfs.size=5G rd.tmpfs.imgfile=images/rootfs.tar.gz ip=10.0.0.31:::24:compute1:eth1:none rd.neednet=1 ro",
];

for (const cmdline of EXAMPLES) {
  Deno.test(`simulate() boots the example ${cmdline.split(" ")[0]}`, async () => {
    const r = await boot(cmdline);
    assert.equal(r.outcome.kind, "switched");
    assert.deepEqual(r.mounts.map((m) => [m.fstype, m.target]), [["tmpfs", "/sysroot"]]);
    assert.deepEqual(r.dirs, []);
    if (r.outcome.kind === "switched") {
      assert.equal(r.outcome.root, "/sysroot");
      assert.deepEqual([...r.outcome.files.keys()].sort(), [
        "/bin",
        "/bin/busybox",
        "/bin/sh",
        "/etc",
        "/etc/os-release",
        "/sbin",
        "/sbin/init",
      ]);
      assert.equal(
        new TextDecoder().decode(r.outcome.files.get("/etc/os-release")?.data),
        "ID=demo\n",
      );
      assert.equal(r.outcome.files.get("/bin/busybox")?.mode, 0o755);
      assert.equal(r.outcome.files.get("/bin/sh")?.linkname, "busybox");
    }
  });
}

Deno.test("simulate() traces every command of a block-device boot in order", async () => {
  const r = await boot(EXAMPLES[0]!);
  assert.deepEqual(plain(r.events), [
    { kind: "wait", device: "/dev/vda1", timeout: 120, appeared: 2 },
    { kind: "mkdir", parent: "/run/tmpfs-root", path: "/run/tmpfs-root/source.0" },
    {
      kind: "mount",
      fstype: null,
      source: "/dev/vda1",
      target: "/run/tmpfs-root/source.0",
      options: "ro",
      failed: null,
    },
    {
      kind: "mount",
      fstype: "tmpfs",
      source: "tmpfs",
      target: "/sysroot",
      options: "size=3G,mode=0755",
      failed: null,
    },
    {
      kind: "unpack",
      format: "gzip",
      from: "/run/tmpfs-root/source.0/rootfs.tgz",
      into: "/sysroot",
      attributes: ["xattrs", "acls", "selinux"],
      failed: null,
    },
    { kind: "unmount", target: "/run/tmpfs-root/source.0", failed: null },
    { kind: "rmdir", path: "/run/tmpfs-root/source.0", failed: null },
    { kind: "skip", reason: "the new root has no /etc/selinux/config" },
    { kind: "handOver", root: "/sysroot" },
  ]);
  assert.deepEqual(r.events.map((e) => e.step), [
    "device",
    "mountpoint",
    "source",
    "tmpfs",
    "unpack",
    "release",
    "cleanup",
    "selinux",
    "handover",
  ]);
  assert.equal(r.elapsed, 2);
});

Deno.test("simulate() traces an NFS boot with the options from parseSource()", async () => {
  const r = await boot(EXAMPLES[2]!);
  const mounts = r.events.filter((e) => e.kind === "mount");
  assert.deepEqual(plain(mounts)[0], {
    kind: "mount",
    fstype: "nfs",
    source: "10.0.0.11:/nfsexport",
    target: "/run/tmpfs-root/source.0",
    options: "tcp,nolock,ro",
    failed: null,
  });
  assert.ok(!r.events.some((e) => e.kind === "wait"));
});

const SOURCES: readonly (readonly [string, string])[] = [
  ["a /dev path", "root=tmpfs:/dev/vda1"],
  ["LABEL= with a slash and a space", 'root="tmpfs:LABEL=images/boot disk"'],
  ["UUID= in upper case", "root=tmpfs:UUID=0A1B2C3D-4E5F-6071-8293-A4B5C6D7E8F9"],
  ["UUID= in lower case", "root=tmpfs:UUID=0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9"],
  ["PARTLABEL=", '"root=tmpfs:PARTLABEL=root fs"'],
  ["PARTUUID=", "root=tmpfs:PARTUUID=aaaabbbb-01"],
  [
    "an LVM volume by /dev/mapper",
    "root=tmpfs:/dev/mapper/centos-root rd.lvm.lv=centos/root rd.tmpfs.imgfile=images/rootfs.tar.gz",
  ],
  [
    "an LVM volume by /dev/<vg>/<lv>",
    "root=tmpfs:/dev/centos/root rd.lvm.lv=centos/root rd.tmpfs.imgfile=images/rootfs.tar.gz",
  ],
  ["NFS=nfs:", "root=tmpfs:NFS=nfs:10.0.0.11:/nfsexport rd.tmpfs.imgfile=images/rootfs.tar.gz"],
  [
    "NFS=nfs: with vers=3",
    "root=tmpfs:NFS=nfs:10.0.0.11:/nfsexport,tcp,hard,vers=3 rd.tmpfs.imgfile=/images/rootfs.tar.gz",
  ],
  ["NFS=nfs4:", "root=tmpfs:NFS=nfs4:10.0.0.12:/v4only"],
  ["NFS=nfs: negotiating version 4", "root=tmpfs:NFS=nfs:10.0.0.12:/v4only"],
  ["an http URL", `root=tmpfs:${WEB}/rootfs.tar.gz`],
  ["an http base URL", `root=tmpfs:${WEB}/images/ rd.tmpfs.imgfile=rootfs.tar.gz`],
];

for (const [what, cmdline] of SOURCES) {
  Deno.test(`simulate() boots from ${what}`, async () => {
    const r = await boot(cmdline);
    assert.equal(messageOf(r), "switched");
    assert.deepEqual(r.mounts.map((m) => m.target), ["/sysroot"]);
    assert.deepEqual(r.dirs, []);
  });
}

Deno.test("simulate() downloads an http source without a mount point", async () => {
  const r = await boot(`root=tmpfs:${WEB}/images/ rd.tmpfs.imgfile=rootfs.tar.gz`);
  // The manifest first (none: a 404), then the archive.
  assert.deepEqual(r.events.map((e) => e.kind), [
    "fetch",
    "mount",
    "fetch",
    "unpack",
    "skip",
    "handOver",
  ]);
  const unpack = r.events.find((e) => e.kind === "unpack");
  assert.equal(unpack?.kind === "unpack" && unpack.from, `${WEB}/images/rootfs.tar.gz`);
});

const FORMATS: readonly ArchiveFormat[] = ["gzip", "xz", "zstd", "bzip2", "lz4", "plain"];

for (const format of FORMATS) {
  Deno.test({
    name: `simulate() unpacks a ${format} archive detected by content`,

    async fn() {
      const archive = await makeArchive(ROOT_ENTRIES, format);
      const vm: Vm = { ...VM, disks: [{ path: "/dev/vda1", files: { "rootfs": archive } }] };
      const r = await boot("root=tmpfs:/dev/vda1 rd.tmpfs.imgfile=rootfs", vm);
      assert.equal(messageOf(r), "switched");
      const unpack = r.events.find((e) => e.kind === "unpack");
      assert.equal(unpack?.kind === "unpack" && unpack.format, format);
    },
  });
}

const small: Vm = { ...VM, ram: 1024 * 1024 };
const SELINUX_BAD_TGZ = await makeArchive({
  "etc/selinux/config": "SELINUX=enforcing\nSELINUXTYPE=targeted # the default\n",
}, "gzip");
const withFiles = (files: Record<string, Uint8Array>): Vm => ({
  ...VM,
  disks: [{ path: "/dev/vda1", files }],
});
const failingWeb = (extra: Partial<Vm["web"][number]>): Vm => ({
  ...VM,
  web: [{ url: `${WEB}/rootfs.tar.gz`, body: TGZ, ...extra }],
});

/** Failures described by the virtual machine: [name, cmdline, vm, message]. */
const FAILURES: readonly (readonly [string, string, Vm, string])[] = [
  [
    "at cmdline when rd.tmpfs.size is invalid",
    "root=tmpfs:/dev/vda1 rd.tmpfs.size=3Q",
    VM,
    'tmpfs-root: cmdline failed: invalid rd.tmpfs.size "3Q": expected a whole number of bytes (up to 18 digits), of k, m or g (up to 15, 12 or 9 digits), or a percentage of RAM from 1% to 100% (e.g. rd.tmpfs.size=3G)',
  ],
  [
    "at cmdline when the source is not understood",
    "root=tmpfs:nowhere",
    VM,
    'tmpfs-root: cmdline failed: invalid root "tmpfs:nowhere": expected tmpfs: followed by a /dev path, LABEL=, UUID=, PARTLABEL=, PARTUUID=, NFS=nfs:<server>:<export> or an http:// or https:// URL',
  ],
  [
    "at source when the device never appears (classic: two thirds of rd.retry)",
    "root=tmpfs:/dev/vdc",
    VM,
    "tmpfs-root: source failed: device /dev/vdc (/dev/vdc) did not appear within 120 seconds",
  ],
  [
    "at source when the device never appears (systemd: two thirds of rd.retry too)",
    "root=tmpfs:LABEL=missing rd.retry=30",
    { ...VM, flavour: "systemd" },
    "tmpfs-root: source failed: device /dev/disk/by-label/missing (LABEL=missing) did not appear within 20 seconds",
  ],
  [
    "at source when the device appears after the timeout",
    "root=tmpfs:/dev/vda1 rd.retry=2",
    VM,
    "tmpfs-root: source failed: device /dev/vda1 (/dev/vda1) did not appear within 1 seconds",
  ],
  [
    "at source when rd.lvm.lv does not name the volume",
    "root=tmpfs:/dev/mapper/centos-root rd.retry=6",
    VM,
    "tmpfs-root: source failed: device /dev/mapper/centos-root (/dev/mapper/centos-root) did not appear within 4 seconds",
  ],
  [
    "at source when the device has no file system",
    "root=tmpfs:/dev/vdb",
    VM,
    "tmpfs-root: source failed: could not mount /dev/vdb read-only: mount: /run/tmpfs-root/source.0: wrong fs type, bad option, bad superblock on /dev/vdb, missing codepage or helper program, or other error.",
  ],
  [
    "at source when the NFS server is down",
    "root=tmpfs:NFS=nfs:10.0.0.13:/down",
    VM,
    "tmpfs-root: source failed: NFS server 10.0.0.13 did not answer",
  ],
  [
    "at source when the NFS server is unknown",
    "root=tmpfs:NFS=nfs4:10.0.0.99:/x",
    VM,
    "tmpfs-root: source failed: NFS server 10.0.0.99 did not answer",
  ],
  [
    "at source when the path is not exported",
    "root=tmpfs:NFS=nfs:10.0.0.11:/elsewhere",
    VM,
    "tmpfs-root: source failed: 10.0.0.11:/elsewhere is not exported",
  ],
  [
    "at source when the server lacks the NFS version",
    "root=tmpfs:NFS=nfs:10.0.0.12:/v4only,vers=3",
    VM,
    "tmpfs-root: source failed: could not mount 10.0.0.12:/v4only: mount.nfs: Protocol not supported",
  ],
  [
    "at unpack when the archive is missing",
    "root=tmpfs:/dev/vda1 rd.tmpfs.imgfile=nothere.tgz",
    VM,
    "tmpfs-root: unpack failed: no file nothere.tgz on /dev/vda1",
  ],
  [
    "at unpack when the archive is missing on NFS",
    "root=tmpfs:NFS=nfs:10.0.0.11:/nfsexport",
    VM,
    "tmpfs-root: unpack failed: no file rootfs.tar.gz on NFS=nfs:10.0.0.11:/nfsexport",
  ],
  [
    "at unpack when the file is not an archive",
    "root=tmpfs:/dev/vda1",
    withFiles({ "rootfs.tar.gz": new TextEncoder().encode("hello\n") }),
    "tmpfs-root: unpack failed: rootfs.tar.gz is not a tar archive (gzip, xz, zstd, bzip2, lz4 or plain)",
  ],
  [
    "at unpack when the gzip archive is truncated",
    "root=tmpfs:/dev/vda1",
    withFiles({ "rootfs.tar.gz": TGZ.slice(0, TGZ.length - 20) }),
    "tmpfs-root: unpack failed: rootfs.tar.gz is truncated",
  ],
  [
    "at unpack when the plain archive is truncated",
    "root=tmpfs:/dev/vda1 rd.tmpfs.imgfile=rootfs.tar",
    withFiles({ "rootfs.tar": TAR.slice(0, 700) }),
    "tmpfs-root: unpack failed: rootfs.tar is truncated",
  ],
  [
    "at unpack when the archive is corrupt",
    "root=tmpfs:/dev/vda1 rd.tmpfs.imgfile=rootfs.tar",
    withFiles({ "rootfs.tar": TAR.map((b, i) => i < 8 ? b ^ 0xff : b) }),
    "tmpfs-root: unpack failed: rootfs.tar is corrupt",
  ],
  [
    "at unpack when the tmpfs is too small",
    "root=tmpfs:/dev/vda1 rd.tmpfs.size=32k",
    withFiles({ "rootfs.tar.gz": BIG_TGZ }),
    "tmpfs-root: unpack failed: the tmpfs is full (size=32k): the archive needs more",
  ],
  [
    "at unpack when a percentage of RAM is too small",
    "root=tmpfs:/dev/vda1 rd.tmpfs.size=5%",
    { ...small, disks: [{ path: "/dev/vda1", files: { "rootfs.tar.gz": BIG_TGZ } }] },
    "tmpfs-root: unpack failed: the tmpfs is full (size=5%): the archive needs more",
  ],
  [
    "at unpack when the URL answers 404",
    `root=tmpfs:${WEB}/missing.tar.gz`,
    VM,
    `tmpfs-root: unpack failed: ${WEB}/missing.tar.gz answered 404`,
  ],
  [
    "at unpack when the web server never answers",
    "root=tmpfs:http://10.9.9.9/rootfs.tar.gz rd.tmpfs.retries=2",
    VM,
    "tmpfs-root: unpack failed: download of http://10.9.9.9/rootfs.tar.gz failed after 3 tries: curl: (7) Failed to connect to 10.9.9.9 port 80 after 0 ms: Couldn't connect to server",
  ],
  [
    "at unpack when every download drops mid-transfer",
    `root=tmpfs:${WEB}/rootfs.tar.gz`,
    failingWeb({ dropAfter: 10 }),
    `tmpfs-root: unpack failed: download of ${WEB}/rootfs.tar.gz failed after 4 tries: curl: (18) transfer closed with ${
      TGZ.length - 10
    } bytes remaining to read`,
  ],
  [
    "at unpack when the server answers 503 to every try",
    `root=tmpfs:${WEB}/rootfs.tar.gz rd.tmpfs.retries=0`,
    failingWeb({ status: 503 }),
    `tmpfs-root: unpack failed: download of ${WEB}/rootfs.tar.gz failed after 1 tries: curl: (22) The requested URL returned error: 503`,
  ],
  [
    "at unpack when the downloaded archive is truncated",
    `root=tmpfs:${WEB}/rootfs.tar.gz`,
    failingWeb({ body: TGZ.slice(0, 50) }),
    `tmpfs-root: unpack failed: ${WEB}/rootfs.tar.gz is truncated`,
  ],
  [
    "at unpack when the archive is empty",
    "root=tmpfs:/dev/vda1",
    withFiles({ "rootfs.tar.gz": new Uint8Array(0) }),
    "tmpfs-root: unpack failed: rootfs.tar.gz is empty",
  ],
  [
    "at selinux when SELINUXTYPE is not a policy name",
    "root=tmpfs:/dev/vda1",
    withFiles({ "rootfs.tar.gz": SELINUX_BAD_TGZ }),
    "tmpfs-root: selinux failed: invalid SELINUXTYPE in /etc/selinux/config",
  ],
];

for (const [name, cmdline, vm, message] of FAILURES) {
  Deno.test(`simulate() stops ${name}`, async () => {
    const r = await boot(cmdline, vm);
    assert.equal(messageOf(r), message);
    assert.deepEqual(
      r.events.filter((e) => e.kind === "message").map((e) => e.kind === "message" && e.text),
      [
        message,
      ],
    );
    assertClean(r);
  });
}

Deno.test("simulate() is inactive when root= does not start with tmpfs:", async () => {
  const r = await boot("root=/dev/vda1 rd.tmpfs.size=3Q");
  assert.deepEqual(r.outcome, { kind: "inactive" });
  assert.deepEqual(r.events, []);
});

Deno.test("simulate() waits for a late device up to the systemd timeout", async () => {
  const vm: Vm = { ...VM, flavour: "systemd" };
  const r = await boot("root=tmpfs:/dev/vda1 rd.tmpfs.imgfile=rootfs.tgz rd.retry=3", vm);
  assert.equal(messageOf(r), "switched");
  assert.deepEqual(plain(r.events)[0], {
    kind: "wait",
    device: "/dev/vda1",
    timeout: 2,
    appeared: 2,
  });
});

Deno.test("simulate() resizes the tmpfs that sysroot.mount mounted in the systemd flavour", async () => {
  const r = await boot("root=tmpfs:/dev/vda1 rd.tmpfs.size=2G", { ...VM, flavour: "systemd" });
  assert.deepEqual(plain(r.events.filter((e) => e.kind === "remount")), [
    { kind: "remount", target: "/sysroot", options: "size=2G", failed: null },
  ]);
  assert.ok(!r.events.some((e) => e.kind === "mount" && e.fstype === "tmpfs"));
  assert.deepEqual(r.mounts.map((m) => m.target), ["/sysroot"]);
});

Deno.test("simulate() empties the root between download attempts", async () => {
  const r = await boot(
    `root=tmpfs:${WEB}/rootfs.tar.gz`,
    failingWeb({ failFirst: 1, failWith: "drop" }),
  );
  assert.deepEqual(plain(r.events.filter((e) => e.step === "unpack")), [
    { kind: "fetch", url: `${WEB}/rootfs.tar.gz`, attempt: 1, maxTime: 1800, result: "dropped" },
    {
      kind: "unpack",
      format: "gzip",
      from: `${WEB}/rootfs.tar.gz`,
      into: "/sysroot",
      attributes: ["xattrs", "acls", "selinux"],
      // What arrived is unpacked as far as it goes; the transfer's failure decides.
      failed: `${WEB}/rootfs.tar.gz is truncated`,
    },
    {
      kind: "sleep",
      seconds: 2,
      attempt: 1,
      tries: 4,
      cause: "curl: (18) transfer closed with 118 bytes remaining to read",
    },
    { kind: "clear", path: "/sysroot" },
    { kind: "fetch", url: `${WEB}/rootfs.tar.gz`, attempt: 2, maxTime: 1798, result: "ok" },
    {
      kind: "unpack",
      format: "gzip",
      from: `${WEB}/rootfs.tar.gz`,
      into: "/sysroot",
      attributes: ["xattrs", "acls", "selinux"],
      failed: null,
    },
  ]);
});

Deno.test("simulate() retries a download with a jittered pause whose ceiling grows to 30 s", async () => {
  const pauses = async (random: number) => {
    const r = await boot(
      `root=tmpfs:${WEB}/rootfs.tar.gz rd.tmpfs.retries=7`,
      failingWeb({ status: 502 }),
      { random: () => random },
    );
    assert.equal(archiveFetches(r).length, 8);
    assert.equal(
      messageOf(r),
      `tmpfs-root: unpack failed: download of ${WEB}/rootfs.tar.gz failed after 8 tries: curl: (22) The requested URL returned error: 502`,
    );
    assertClean(r);
    return r.events.flatMap((e) => e.kind === "sleep" ? [e.seconds] : []);
  };
  // Half the ceiling (4, 8, 16, 30 s), plus a random share of the other half.
  assert.deepEqual(await pauses(0), [2, 4, 8, 15, 15, 15, 15]);
  assert.deepEqual(await pauses(2), [4, 6, 10, 17, 17, 17, 17]);
  const seeded = await boot(
    `root=tmpfs:${WEB}/rootfs.tar.gz rd.tmpfs.retries=7`,
    failingWeb({ status: 502 }),
  );
  const sleeps = seeded.events.flatMap((e) => e.kind === "sleep" ? [e] : []);
  assert.deepEqual(sleeps[0], {
    kind: "sleep",
    step: "unpack",
    seconds: sleeps[0]!.seconds,
    attempt: 1,
    tries: 8,
    cause: "HTTP 502",
  });
  for (const [i, e] of sleeps.entries()) {
    const ceiling = Math.min(2 ** (i + 2), 30);
    assert.ok(e.seconds >= Math.floor(ceiling / 2) && e.seconds <= ceiling, `pause ${i + 1}`);
  }
});

Deno.test("simulate() honours Retry-After on a 503 and a 429, clamped to 120 s, and retries 408", async () => {
  for (
    const [status, retryAfter, first] of [
      [503, "7", 7],
      [429, "100000", 120],
      [503, "Wed, 21 Oct 2015 07:28:00 GMT", 2],
      [500, "7", 2],
      [408, "7", 2],
    ] as const
  ) {
    const r = await boot(
      `root=tmpfs:${WEB}/rootfs.tar.gz`,
      failingWeb({ failFirst: 1, failWith: status, retryAfter }),
      { random: () => 0 },
    );
    assert.equal(messageOf(r), "switched", `${status} ${retryAfter}`);
    const sleep = r.events.find((e) => e.kind === "sleep");
    assert.equal(sleep?.kind === "sleep" && sleep.seconds, first, `${status} ${retryAfter}`);
    assert.equal(sleep?.kind === "sleep" && sleep.cause, `HTTP ${status}`);
  }
});

Deno.test("simulate() fails at once on a 403, naming the status", async () => {
  const r = await boot(`root=tmpfs:${WEB}/rootfs.tar.gz`, failingWeb({ status: 403 }));
  assert.equal(archiveFetches(r).length, 1);
  assert.equal(messageOf(r), `tmpfs-root: unpack failed: ${WEB}/rootfs.tar.gz answered 403`);
});

for (const failWith of ["refused", "drop", 500] as const) {
  Deno.test(`simulate() boots after the first downloads fail (${failWith})`, async () => {
    const r = await boot(`root=tmpfs:${WEB}/rootfs.tar.gz`, failingWeb({ failFirst: 2, failWith }));
    assert.equal(messageOf(r), "switched");
    const fetches = archiveFetches(r).map((e) => e.result);
    const failed = failWith === "drop" ? "dropped" : failWith === 500 ? "status 500" : "refused";
    assert.deepEqual(fetches, [failed, failed, "ok"]);
  });
}

Deno.test("simulate() does not retry a 404", async () => {
  const r = await boot(`root=tmpfs:${WEB}/rootfs.tar.gz`, failingWeb({ status: 404 }));
  assert.equal(archiveFetches(r).length, 1);
  assert.equal(messageOf(r), `tmpfs-root: unpack failed: ${WEB}/rootfs.tar.gz answered 404`);
});

Deno.test("simulate() undoes only the steps that ran, latest first", async () => {
  const r = await boot("root=tmpfs:/dev/vda1 rd.tmpfs.imgfile=nothere");
  const undo = plain(r.events.filter((e) => e.undo));
  assert.deepEqual(undo, [
    { kind: "unmount", target: "/sysroot", failed: null, undo: true },
    { kind: "unmount", target: "/run/tmpfs-root/source.0", failed: null, undo: true },
    { kind: "rmdir", path: "/run/tmpfs-root/source.0", failed: null, undo: true },
  ]);
  const http = await boot(`root=tmpfs:${WEB}/nothere`);
  assert.deepEqual(plain(http.events.filter((e) => e.undo)), [
    { kind: "unmount", target: "/sysroot", failed: null, undo: true },
  ]);
});

Deno.test("simulate() relabels a root whose SELinux is enforcing", async () => {
  const r = await boot("root=tmpfs:/dev/vda1", withFiles({ "rootfs.tar.gz": SELINUX_TGZ }));
  assert.deepEqual(plain(r.events.filter((e) => e.kind === "relabel")), [
    { kind: "relabel", root: "/sysroot", policy: "mls", failed: null },
  ]);
  assert.equal(messageOf(r), "switched");
});

for (
  const [config, expected] of [
    ["SELINUX=permissive\n", "relabel targeted"],
    ["  SELINUX=enforcing  \nSELINUXTYPE=mls\nSELINUXTYPE=default\n", "relabel default"],
    ['SELINUX="enforcing"\n', 'skip SELinux is ""enforcing"" in the new root'],
    ["SELINUX=disabled\n", 'skip SELinux is "disabled" in the new root'],
    ["SELINUXTYPE=mls\n", 'skip SELinux is "" in the new root'],
  ] as const
) {
  Deno.test(`simulate() reads /etc/selinux/config ${JSON.stringify(config)}`, async () => {
    const tgz = await makeArchive({ "etc/selinux/config": config }, "gzip");
    const r = await boot("root=tmpfs:/dev/vda1", withFiles({ "rootfs.tar.gz": tgz }));
    const e = r.events.find((e) => e.kind === "relabel" || e.kind === "skip");
    const text = e?.kind === "relabel"
      ? `relabel ${e.policy}`
      : e?.kind === "skip"
      ? `skip ${e.reason}`
      : "";
    assert.equal(text, expected);
  });
}

Deno.test("simulate() names the failure policy of a stopped boot", async () => {
  const r = await boot("root=tmpfs:/dev/vdb rd.tmpfs.onfail=reboot");
  assert.equal(r.outcome.kind === "stopped" && r.outcome.policy, "reboot");
});

Deno.test("simulate() ends without handing over when the sequence has no hand-over", async () => {
  const seq = sequence("demo", PARAMS, param(ONFAIL), [
    phase(
      "mount",
      ...BOOT.phases[0]!.steps,
      makeTempDir({
        id: "dir",
        label: "dir",
        doing: "making a directory",
        parent: literal("/run/demo"),
        undo: remove(output("dir")),
      }),
    ),
  ]);
  const r = await simulate(seq, VM, "root=tmpfs:/dev/vda1");
  assert.deepEqual(r.outcome, { kind: "ended" });
  assert.deepEqual(r.dirs, ["/run/demo/source.0"]);
});

Deno.test("simulate() drops control characters from the failure line, as the shell does", async () => {
  const r = await boot("root=tmpfs:/dev/vda1 rd.tmpfs.size=3\x01Q");
  assert.match(messageOf(r), /^tmpfs-root: cmdline failed: invalid rd\.tmpfs\.size "3Q": expected/);
});
