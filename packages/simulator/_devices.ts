// The block devices a virtual machine shows under /dev, udev links included.
import { type Arg, udevEncode, uuidDevice } from "@tmpfs-root/model";
import type { BlockDevice, FileTree, LogicalVolume, NfsExport, Vm, VolumeCommon } from "./vm.ts";

/** A device node or link and the volume behind it. */
export interface Volume {
  readonly volume: VolumeCommon;
  /** The second it appears at, or `null` for never. */
  readonly appearsAt: number | null;
}

function mapperName(lv: LogicalVolume): string {
  return `/dev/mapper/${lv.vg.replaceAll("-", "--")}-${lv.lv.replaceAll("-", "--")}`;
}

function commonLinks(v: VolumeCommon): string[] {
  const links: string[] = [];
  if (v.label) links.push(`/dev/disk/by-label/${udevEncode(v.label)}`);
  if (v.uuid) links.push(uuidDevice(v.uuid));
  return links;
}

/** The logical volumes `rd.lvm.lv=` arguments activate. */
export function activeVolumes(vm: Vm, args: readonly Arg[]): readonly LogicalVolume[] {
  const named = new Set(args.filter((a) => a.name === "rd.lvm.lv").map((a) => a.value ?? ""));
  return vm.lvm.filter((lv) => named.has(`${lv.vg}/${lv.lv}`));
}

// The names of each volume, computed once per volume object.
const names = new WeakMap<VolumeCommon, readonly string[]>();

export function diskNames(disk: BlockDevice): readonly string[] {
  let links = names.get(disk);
  if (links === undefined) {
    const all = [disk.path, ...commonLinks(disk)];
    if (disk.partlabel) all.push(`/dev/disk/by-partlabel/${udevEncode(disk.partlabel)}`);
    if (disk.partuuid) {
      all.push(`/dev/disk/by-partuuid/${udevEncode(disk.partuuid.toLowerCase())}`);
    }
    links = all;
    names.set(disk, links);
  }
  return links;
}

export function volumeNames(lv: LogicalVolume): readonly string[] {
  let links = names.get(lv);
  if (links === undefined) {
    links = [mapperName(lv), `/dev/${lv.vg}/${lv.lv}`, ...commonLinks(lv)];
    names.set(lv, links);
  }
  return links;
}

/** Finds the volume a /dev path names, or `null`. The first match wins. */
export function findVolume(vm: Vm, args: readonly Arg[], path: string): Volume | null {
  for (const disk of vm.disks) {
    if (diskNames(disk).includes(path)) return { volume: disk, appearsAt: appearsAt(disk) };
  }
  if (vm.lvm.length === 0) return null;
  for (const lv of activeVolumes(vm, args)) {
    if (volumeNames(lv).includes(path)) return { volume: lv, appearsAt: appearsAt(lv) };
  }
  return null;
}

function appearsAt(v: VolumeCommon): number | null {
  return v.appearsAt === undefined ? 0 : v.appearsAt;
}

/** Finds an export by server and path. */
export function findExport(vm: Vm, server: string, path: string): NfsExport | null {
  return vm.nfs.find((e) => e.server === server && e.export === path) ?? null;
}

/** The file at `path` in a tree, or `null`. */
export function fileAt(files: FileTree | undefined, path: string): Uint8Array | null {
  const rel = path.replace(/^\/+/, "");
  return files !== undefined && Object.hasOwn(files, rel) ? files[rel]! : null;
}
