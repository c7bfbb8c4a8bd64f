/**
 * The tmpfs-root simulator: the boot model interpreted against a virtual
 * machine (disks, LVM volumes, NFS exports, web servers, archives, RAM and
 * time), with faults injected through pluggable handlers. A boot takes
 * well under a millisecond and returns a trace of every mount, unpack,
 * unmount and message, the outcome and the final mount table.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { BOOT } from "@tmpfs-root/model";
 * import { formatTrace, simulate, vmFromJson } from "./mod.ts";
 * const vm = await vmFromJson({
 *   ram: "4G",
 *   disks: [{
 *     path: "/dev/vda1",
 *     label: "images",
 *     files: { "rootfs.tgz": { archive: { format: "gzip", entries: { "etc/os-release": "ID=demo\n" } } } },
 *   }],
 * });
 * const result = await simulate(BOOT, vm, "root=tmpfs:LABEL=images rd.tmpfs.imgfile=rootfs.tgz");
 * const trace = formatTrace(result);
 * assert.match(trace, /^ +0s {2}unpack gzip \/run\/tmpfs-root\/source\.0\/rootfs\.tgz into \/sysroot$/m);
 * assert.match(trace, /^outcome: switched into \/sysroot \(2 entries\)$/m);
 * ```
 *
 * @module
 */
export * from "./archive.ts";
export * from "./default_handlers.ts";
export * from "./detect_format.ts";
export * from "./ed25519.ts";
export * from "./format_trace.ts";
export type * from "./handlers.ts";
export * from "./machine_volumes.ts";
export * from "./make_archive.ts";
export * from "./open_archive.ts";
export * from "./sha256_hex.ts";
export * from "./simulate.ts";
export * from "./simulate_fleet.ts";
export * from "./tmpfs_bytes.ts";
export type * from "./trace.ts";
export type * from "./vm.ts";
export * from "./vm_from_file.ts";
export * from "./vm_from_json.ts";
export * from "./with_sidecars.ts";
