// Fixtures shared by the simulator's tests: real archives and a virtual machine.
import assert from "#assert";
import { BOOT, MANIFEST_SUFFIX } from "@tmpfs-root/model";
import type { Handlers } from "./handlers.ts";
import { makeArchive } from "./make_archive.ts";
import { simulate } from "./simulate.ts";
import type { SimEvent, SimResult } from "./trace.ts";
import type { Vm, WebResource } from "./vm.ts";

/** The entries of a small root. */
export const ROOT_ENTRIES = {
  "etc/os-release": "ID=demo\n",
  "bin/busybox": { data: "\x7fELF", mode: 0o755 },
  "bin/sh": { type: "symlink", target: "busybox" },
  "sbin/init": { type: "symlink", target: "../bin/busybox" },
} as const;

/** The small root as a .tar.gz. */
export const TGZ = await makeArchive(ROOT_ENTRIES, "gzip");

/** The small root as a plain .tar. */
export const TAR = await makeArchive(ROOT_ENTRIES, "plain");

/** A root with SELinux enforcing and the mls policy. */
export const SELINUX_TGZ = await makeArchive({
  ...ROOT_ENTRIES,
  "etc/selinux/config": "# comment\nSELINUX=enforcing\nSELINUXTYPE=mls\n",
}, "gzip");

/** A root with one 64 KiB file. */
export const BIG_TGZ = await makeArchive({ "big": new Uint8Array(65536) }, "gzip");

/** The web server's address in tests. */
export const WEB = "http://10.0.2.2:8080";

/** A machine with every kind of source holding the small root. */
export const VM: Vm = {
  flavour: "classic",
  ram: 4 * 1024 ** 3,
  disks: [
    {
      path: "/dev/vda1",
      label: "images/boot disk",
      uuid: "0A1B2C3D-4E5F-6071-8293-A4B5C6D7E8F9",
      partlabel: "root fs",
      partuuid: "AAAABBBB-01",
      appearsAt: 2,
      files: { "rootfs.tgz": TGZ, "images/rootfs.tar.gz": TGZ, "rootfs.tar.gz": TGZ },
    },
    { path: "/dev/vdb", fs: null },
    { path: "/dev/vdc", appearsAt: null },
  ],
  lvm: [{ vg: "centos", lv: "root", files: { "images/rootfs.tar.gz": TGZ } }],
  nfs: [
    { server: "10.0.0.11", export: "/nfsexport", files: { "images/rootfs.tar.gz": TGZ } },
    { server: "10.0.0.12", export: "/v4only", versions: [4], files: { "rootfs.tar.gz": TGZ } },
    { server: "10.0.0.13", export: "/down", up: false },
  ],
  web: [
    { url: `${WEB}/rootfs.tar.gz`, body: TGZ },
    { url: `${WEB}/images/rootfs.tar.gz`, body: TGZ },
  ],
};

/** Boots `vm` (default {@linkcode VM}) with the model's boot sequence. */
export function boot(
  cmdline: string,
  vm: Vm = VM,
  handlers: Partial<Handlers> = {},
): Promise<SimResult> {
  return simulate(BOOT, vm, cmdline, handlers);
}

/** Checks that a stopped boot left nothing mounted and no temporary directory. */
export function assertClean(r: SimResult): void {
  assert.deepEqual(r.mounts, []);
  assert.deepEqual(r.dirs, []);
}

/** The message of a stopped boot, or the outcome's kind. */
export function messageOf(r: SimResult): string {
  return r.outcome.kind === "stopped" ? r.outcome.message : r.outcome.kind;
}

/** The events of one kind, in order. */
export function events<K extends SimEvent["kind"]>(
  r: SimResult,
  kind: K,
): Extract<SimEvent, { kind: K }>[] {
  return r.events.filter((e): e is Extract<SimEvent, { kind: K }> => e.kind === kind);
}

/** {@linkcode VM} with these web resources instead of its own. */
export function withWeb(...web: WebResource[]): Vm {
  return { ...VM, web };
}

/** The downloads of everything but the manifest (which a web source's boot asks for first). */
export function archiveFetches(r: SimResult): Extract<SimEvent, { kind: "fetch" }>[] {
  return events(r, "fetch").filter((e) => !e.url.endsWith(MANIFEST_SUFFIX));
}
