import type { Arg } from "@tmpfs-root/model";
import { activeVolumes, diskNames, volumeNames } from "./_devices.ts";
import type { Vm, VolumeCommon } from "./vm.ts";

/** A volume a machine shows under /dev, and its names there. */
export interface MachineVolume {
  readonly volume: VolumeCommon;
  /** The kernel's name first (a disk's path, an LV's /dev/mapper name), then udev's links. */
  readonly names: readonly string[];
}

/**
 * The volumes a machine shows under /dev, in the order the simulator looks
 * names up (disks, then the logical volumes `rd.lvm.lv=` activates), each
 * with the names the simulator resolves: the one description of udev's
 * naming, for tools that build the same machine elsewhere.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { machineVolumes } from "./machine_volumes.ts";
 * const vm = {
 *   flavour: "classic", ram: 1 << 20, lvm: [], nfs: [], web: [],
 *   disks: [{ path: "/dev/vda1", label: "my disk" }],
 * } as const;
 * assert.deepEqual(machineVolumes(vm, [])[0]!.names, ["/dev/vda1", "/dev/disk/by-label/my\\x20disk"]);
 * ```
 */
export function machineVolumes(vm: Vm, args: readonly Arg[]): MachineVolume[] {
  return [
    ...vm.disks.map((d) => ({ volume: d, names: diskNames(d) })),
    ...activeVolumes(vm, args).map((lv) => ({ volume: lv, names: volumeNames(lv) })),
  ];
}
