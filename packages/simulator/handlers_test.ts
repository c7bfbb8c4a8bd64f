import assert from "#assert";
import {
  archiveFetches,
  assertClean,
  boot,
  messageOf,
  ROOT_ENTRIES,
  SELINUX_TGZ,
  VM,
  WEB,
} from "./_testing.ts";
import { defaultHandlers as d } from "./default_handlers.ts";
import { MANIFEST_SUFFIX } from "@tmpfs-root/model";
import type { Handlers } from "./handlers.ts";
import { makeArchive } from "./make_archive.ts";
import type { Vm } from "./vm.ts";

const BLOCK = "root=tmpfs:/dev/vda1 rd.tmpfs.imgfile=rootfs.tgz rd.tmpfs.size=1G";
const HTTP = `root=tmpfs:${WEB}/rootfs.tar.gz rd.tmpfs.retries=2`;
const RESET = "curl: (56) Recv failure: Connection reset by peer";
const SELINUX_VM: Vm = {
  ...VM,
  disks: [{ path: "/dev/vda1", files: { "rootfs.tgz": SELINUX_TGZ } }],
};
const LABELLED_VM: Vm = {
  ...VM,
  disks: [{
    path: "/dev/vda1",
    files: {
      "rootfs.tgz": await makeArchive({
        ...ROOT_ENTRIES,
        "etc/os-release": {
          data: "ID=demo\n",
          xattrs: { "security.selinux": "system_u:object_r:etc_t:s0" },
        },
      }, "gzip"),
    },
  }],
};
const TAR_ERROR = "tar: etc/os-release: Cannot open: Permission denied";

/** tar reads the whole archive, then reports an error for one member. */
const tarRejects: Partial<Handlers> = {
  openArchive: async (bytes) => {
    const r = await d.openArchive(bytes);
    return r.kind === "ok" ? { ...r, tarError: TAR_ERROR } : r;
  },
};

/** Makes a handler fail once, then act as the default. */
function once<A extends unknown[], R>(fault: R, real: (...a: A) => R): (...a: A) => R {
  let failed = false;
  return (...a) => {
    if (failed) return real(...a);
    failed = true;
    return fault;
  };
}

/** A fetch handler for the archive's URL; the manifest's gets the default answer. */
function archiveOnly(fetch: Handlers["fetch"]): Handlers["fetch"] {
  return (m, url, attempt) =>
    url.endsWith(MANIFEST_SUFFIX) ? d.fetch(m, url, attempt) : fetch(m, url, attempt);
}

/** Faults injected through handlers: [name, cmdline, vm, handlers, message]. */
const FAULTS: readonly (readonly [string, string, Vm, Partial<Handlers>, string])[] = [
  [
    "at source when the device never appears",
    BLOCK,
    VM,
    { waitForDevice: () => null },
    "tmpfs-root: source failed: device /dev/vda1 (/dev/vda1) did not appear within 120 seconds",
  ],
  [
    "at source when the mount fails",
    BLOCK,
    VM,
    { mount: (m, x) => x.fstype === null ? "mount: I/O error" : d.mount(m, x) },
    "tmpfs-root: source failed: could not mount /dev/vda1 read-only: mount: I/O error",
  ],
  [
    "at tmpfs when the tmpfs mount fails",
    BLOCK,
    VM,
    {
      mount: (m, x) => x.fstype === "tmpfs" ? "mount: /sysroot: out of memory." : d.mount(m, x),
    },
    "tmpfs-root: tmpfs failed: could not mount a tmpfs with size=1G on /sysroot: mount: /sysroot: out of memory.",
  ],
  [
    "at source when the device is gone by the time it is mounted",
    BLOCK,
    VM,
    { isDevice: () => false },
    "tmpfs-root: source failed: device /dev/vda1 (/dev/vda1) is not there",
  ],
  [
    "at unpack when the archive is missing",
    BLOCK,
    VM,
    { readFile: () => null },
    "tmpfs-root: unpack failed: no file rootfs.tgz on /dev/vda1",
  ],
  [
    "at unpack when the archive is truncated",
    BLOCK,
    VM,
    { readFile: async (m, x, p) => (await d.readFile(m, x, p))?.slice(0, 100) ?? null },
    "tmpfs-root: unpack failed: rootfs.tgz is truncated",
  ],
  [
    "at unpack when the archive is corrupt",
    BLOCK,
    VM,
    {
      readFile: async (m, x, p) =>
        (await d.readFile(m, x, p))?.map((b, i) => i > 20 && i < 40 ? b ^ 0x55 : b) ?? null,
    },
    "tmpfs-root: unpack failed: rootfs.tgz is corrupt",
  ],
  [
    "at unpack when the tmpfs is full",
    BLOCK,
    VM,
    {
      openArchive: async (bytes) => {
        const r = await d.openArchive(bytes);
        return r.kind === "ok" ? { ...r, size: 2 * 1024 ** 3 } : r;
      },
    },
    "tmpfs-root: unpack failed: the tmpfs is full (size=1G): the archive needs more",
  ],
  [
    "at unpack when the network drops mid-transfer",
    HTTP,
    VM,
    { fetch: () => ({ kind: "dropped", body: new Uint8Array(0), error: RESET }) },
    `tmpfs-root: unpack failed: download of ${WEB}/rootfs.tar.gz failed after 3 tries: ${RESET}`,
  ],
  [
    "at unpack when tar cannot set a security attribute",
    BLOCK,
    LABELLED_VM,
    {
      setXattr: (m, name, key, value) =>
        key.startsWith("security.") ? "Operation not permitted" : d.setXattr(m, name, key, value),
    },
    "tmpfs-root: unpack failed: tar could not set a security attribute: tar: setxattrat: Cannot set 'security.selinux' extended attribute for file 'etc/os-release': Operation not permitted",
  ],
  [
    "at unpack when tar rejects a member of a downloaded archive",
    HTTP,
    VM,
    tarRejects,
    `tmpfs-root: unpack failed: tar could not unpack ${WEB}/rootfs.tar.gz: ${TAR_ERROR}`,
  ],
  [
    "at release when the source cannot be unmounted",
    BLOCK,
    VM,
    { unmount: once("umount: target is busy", d.unmount) },
    "tmpfs-root: release failed: could not unmount /run/tmpfs-root/source.0: umount: target is busy",
  ],
  [
    "at release when the mount point cannot be removed",
    BLOCK,
    VM,
    { removeDir: once("rmdir: not empty", d.removeDir) },
    "tmpfs-root: release failed: could not remove /run/tmpfs-root/source.0: rmdir: not empty",
  ],
  [
    "at selinux when relabelling fails",
    BLOCK,
    SELINUX_VM,
    { relabel: () => "setfiles exited with status 1" },
    "tmpfs-root: selinux failed: setfiles could not relabel /sysroot: setfiles exited with status 1",
  ],
];

for (const [name, cmdline, vm, handlers, message] of FAULTS) {
  Deno.test(`simulate() stops ${name}, and nothing stays mounted`, async () => {
    const r = await boot(cmdline, vm, handlers);
    assert.equal(messageOf(r), message);
    assert.equal(r.events.filter((e) => e.kind === "message").length, 1);
    assert.ok(!r.events.some((e) => e.kind === "handOver"));
    assertClean(r);
  });
}

Deno.test("simulate() does not retry a download that tar rejects", async () => {
  const r = await boot(HTTP, VM, tarRejects);
  assert.deepEqual(archiveFetches(r).map((e) => e.result), ["ok"]);
  assert.equal(
    messageOf(r),
    `tmpfs-root: unpack failed: tar could not unpack ${WEB}/rootfs.tar.gz: ${TAR_ERROR}`,
  );
});

Deno.test("simulate() retries a dropped transfer and boots when a later try completes", async () => {
  const r = await boot(HTTP, VM, {
    fetch: archiveOnly(
      once({ kind: "dropped", body: new Uint8Array(0), error: RESET } as const, d.fetch),
    ),
  });
  assert.equal(messageOf(r), "switched");
  assert.deepEqual(archiveFetches(r).map((e) => e.result), [
    "dropped",
    "ok",
  ]);
});

Deno.test("simulate() undoes a failed release by unmounting again", async () => {
  const r = await boot(BLOCK, VM, { unmount: once("busy", d.unmount) });
  const unmounts = r.events.flatMap((e) =>
    e.kind === "unmount" ? [[e.target, e.failed, !!e.undo]] : []
  );
  assert.deepEqual(unmounts, [
    ["/run/tmpfs-root/source.0", "busy", false],
    ["/sysroot", null, true],
    ["/run/tmpfs-root/source.0", null, true],
  ]);
});

Deno.test("simulate() reports an undo that fails and keeps its mount", async () => {
  const r = await boot(BLOCK, VM, {
    readFile: () => null,
    unmount: (m, t, lazy) => t === "/sysroot" ? "busy" : d.unmount(m, t, lazy),
  });
  assert.deepEqual(r.mounts.map((m) => m.target), ["/sysroot"]);
  assert.equal(messageOf(r), "tmpfs-root: unpack failed: no file rootfs.tgz on /dev/vda1");
  const undo = r.events.flatMap((e) =>
    e.kind === "unmount" ? [`${e.lazy ? "umount -l" : "umount"} ${e.target}: ${e.failed}`] : []
  );
  assert.deepEqual(undo, [
    "umount /sysroot: busy",
    "umount -l /sysroot: busy",
    "umount /run/tmpfs-root/source.0: null",
  ]);
});
