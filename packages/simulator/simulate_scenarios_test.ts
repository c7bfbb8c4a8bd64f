// Generated scenarios (command lines x machines x faults): whatever happens,
// a boot ends switched with only the tmpfs mounted, or stopped with one
// message and nothing mounted but what an undo itself failed to unmount.
import assert from "#assert";
import { BIG_TGZ, boot, SELINUX_TGZ, TGZ, VM, WEB } from "./_testing.ts";
import { defaultHandlers as d } from "./default_handlers.ts";
import type { Handlers } from "./handlers.ts";
import type { SimResult } from "./trace.ts";
import type { Vm } from "./vm.ts";

const SOURCES = [
  "/dev/vda1",
  "/dev/vdb",
  "/dev/vdc",
  '"LABEL=images/boot disk"',
  "UUID=0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9",
  "PARTUUID=AAAABBBB-01",
  "/dev/mapper/centos-root rd.lvm.lv=centos/root",
  "/dev/mapper/centos-root",
  "NFS=nfs:10.0.0.11:/nfsexport,tcp",
  "NFS=nfs4:10.0.0.12:/v4only",
  "NFS=nfs:10.0.0.12:/v4only,vers=3",
  "NFS=nfs:10.0.0.13:/down",
  `${WEB}/rootfs.tar.gz`,
  `${WEB}/images/`,
  `${WEB}/nothere`,
  "http://10.9.9.9/x",
];
const IMGFILES = ["", " rd.tmpfs.imgfile=rootfs.tgz", " rd.tmpfs.imgfile=images/rootfs.tar.gz"];
const OPTIONS = ["", " rd.tmpfs.size=32k rd.tmpfs.retries=1 rd.retry=2", " rd.tmpfs.size=3Q"];

const MACHINES: readonly Vm[] = [
  VM,
  {
    ...VM,
    flavour: "systemd",
    disks: VM.disks.map((disk) => ({
      ...disk,
      files: { "rootfs.tgz": SELINUX_TGZ, "rootfs.tar.gz": SELINUX_TGZ },
    })),
  },
  {
    ...VM,
    disks: VM.disks.map((disk) => ({
      ...disk,
      files: { "rootfs.tgz": BIG_TGZ, "rootfs.tar.gz": TGZ.slice(0, 99) },
    })),
    web: VM.web.map((w) => ({ ...w, failFirst: 1, failWith: "drop" as const })),
  },
];

function once<A extends unknown[], R>(fault: R, real: (...a: A) => R): () => (...a: A) => R {
  return () => {
    let failed = false;
    return (...a) => {
      if (failed) return real(...a);
      failed = true;
      return fault;
    };
  };
}

const FAULTS: readonly (() => Partial<Handlers>)[] = [
  () => ({}),
  () => ({ mount: (m, x) => x.fstype === "tmpfs" ? "out of memory" : d.mount(m, x) }),
  () => ({ unmount: once("busy", d.unmount)() }),
  () => ({ unmount: (m, t, lazy) => lazy ? d.unmount(m, t, lazy) : "busy" }),
  () => ({ isDevice: () => false }),
  () => ({ removeDir: once("busy", d.removeDir)() }),
  () => ({
    openArchive: async (bytes) => {
      const r = await d.openArchive(bytes);
      return r.kind === "ok" ? { ...r, tarError: "tar: bin/sh: Cannot create symlink" } : r;
    },
  }),
  () => ({
    fetch: once(
      { kind: "dropped", body: new Uint8Array(0), error: "curl: (56) reset" } as const,
      d.fetch,
    )(),
  }),
  () => ({ relabel: () => "setfiles failed" }),
  () => ({ readFile: () => null }),
];

function check(r: SimResult, cmdline: string): void {
  const messages = r.events.filter((e) => e.kind === "message");
  switch (r.outcome.kind) {
    case "inactive":
      assert.fail(`inactive: ${cmdline}`);
      break;
    case "ended":
      assert.fail(`ended: ${cmdline}`);
      break;
    case "switched":
      assert.deepEqual(r.mounts.map((m) => [m.fstype, m.target]), [["tmpfs", "/sysroot"]], cmdline);
      assert.equal(messages.length, 0, cmdline);
      assert.equal(r.events.at(-1)?.kind, "handOver", cmdline);
      assert.ok(r.outcome.files.size > 0, cmdline);
      break;
    case "stopped": {
      // Only what an undo failed to unmount (even with umount -l) or remove may stay.
      const stuck = (kind: string) => {
        const last = new Map<string, boolean>();
        for (const e of r.events) {
          if (e.undo && e.kind === "unmount" && kind === "unmount") {
            last.set(e.target, e.failed !== null);
          }
          if (e.undo && e.kind === "rmdir" && kind === "rmdir") last.set(e.path, e.failed !== null);
        }
        return [...last].flatMap(([path, failed]) => failed ? [path] : []);
      };
      assert.deepEqual(r.mounts.map((m) => m.target).sort(), stuck("unmount").sort(), cmdline);
      assert.deepEqual(r.dirs, stuck("rmdir"), cmdline);
      assert.equal(messages.length, 1, cmdline);
      assert.match(r.outcome.message, /^tmpfs-root: [a-z-]+ failed: \S/, cmdline);
      const at = r.events.findIndex((e) => e.kind === "message");
      assert.ok(r.events.slice(at + 1).every((e) => e.undo), cmdline);
      assert.ok(!r.events.some((e) => e.kind === "handOver"), cmdline);
      break;
    }
    default:
      assert.fail(`unexpected outcome in ${cmdline}`);
  }
}

Deno.test("simulate() leaves a clean machine in every generated scenario", async () => {
  let count = 0;
  const kinds = new Map<string, number>();
  for (const source of SOURCES) {
    for (const imgfile of IMGFILES) {
      for (const options of OPTIONS) {
        for (const vm of MACHINES) {
          for (const fault of FAULTS) {
            const cmdline = `root=tmpfs:${source}${imgfile}${options} ro`;
            const r = await boot(cmdline, vm, fault());
            check(r, cmdline);
            const key = r.outcome.kind === "stopped" ? r.outcome.step : r.outcome.kind;
            kinds.set(key, (kinds.get(key) ?? 0) + 1);
            count++;
          }
        }
      }
    }
  }
  assert.equal(
    count,
    SOURCES.length * IMGFILES.length * OPTIONS.length * MACHINES.length * FAULTS.length,
  );
  // Every way a boot can end is reached.
  assert.deepEqual([...kinds.keys()].sort(), [
    "cmdline",
    "release",
    "selinux",
    "source",
    "switched",
    "tmpfs",
    "unpack",
  ]);
});
