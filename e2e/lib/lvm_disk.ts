/**
 * Raw disk images holding an LVM volume group, made without device-mapper on
 * the host: the physical volume goes on a loop device, `lvm --driverloaded n`
 * writes only the metadata (`lvcreate -an -Zn`), and `mkfs.ext4 -E offset=`
 * puts the file system where the logical volume's first extent lies. The
 * guest activates the volume itself (`rd.lvm.lv=`).
 *
 * @module
 */
import $ from "dax";
import { sha256Hex } from "./_hash.ts";
import { CACHE_DIR, exists } from "./_paths.ts";
import { mkfsExt4, stageFiles } from "./disk.ts";

/** A disk with one volume group, one logical volume and an ext4 file system on it. */
export interface LvmDiskSpec {
  /** A readable name for the image file (letters, digits, `-`, `_`, `.`). */
  readonly name: string;
  /** Volume group name, e.g. `centos`. */
  readonly vg: string;
  /** Logical volume name, e.g. `root`. */
  readonly lv: string;
  /** `mbr` (one partition of type 8e, the default) or `none` (PV on the whole disk). */
  readonly table?: "mbr" | "none";
  /** ext4 label. */
  readonly fsLabel?: string;
  /** ext4 UUID. */
  readonly fsUuid?: string;
  /** Disk size in MiB; by default the files' size plus 32 MiB, rounded up. */
  readonly sizeMiB?: number;
  /** Files in the file system: path in the file system -> host file to copy. */
  readonly files: Readonly<Record<string, string>>;
}

const DISK_DIR = `${CACHE_DIR}/disks`;
const BUILD_VERSION = "1";
const NAME_RE = /^[A-Za-z0-9+_.][A-Za-z0-9+_.-]*$/;

/** Runs an lvm command against only `loop`, with a private configuration, and returns stdout. */
async function lvm(confDir: string, args: string[]): Promise<string> {
  const r = await $`lvm ${args}`
    .env({ LVM_SYSTEM_DIR: confDir, LVM_SUPPRESS_FD_WARNINGS: "1" })
    .stdin("null")
    .noThrow()
    .stdout("piped")
    .stderr("piped");
  if (r.code !== 0) {
    throw new Error(
      `lvm ${args.join(" ")} failed with exit code ${r.code}: ${r.stderr}${r.stdout}`,
    );
  }
  return r.stdout;
}

/**
 * Makes (or takes from `.cache/disks/`) a raw disk image with an LVM volume
 * `vg/lv` holding an ext4 file system with `files`, and returns its path.
 *
 * @example
 * ```ts ignore
 * const img = await makeLvmDisk({ name: "lvm", vg: "centos", lv: "root",
 *   files: { "images/rootfs.tar.gz": archive.path } });
 * // boot with root=tmpfs:/dev/mapper/centos-root rd.lvm.lv=centos/root
 * ```
 */
export async function makeLvmDisk(spec: LvmDiskSpec): Promise<string> {
  if (!/^[A-Za-z0-9._-]+$/.test(spec.name)) {
    throw new RangeError(`Invalid disk name "${spec.name}"`);
  }
  for (const [what, n] of [["volume group", spec.vg], ["logical volume", spec.lv]] as const) {
    if (!NAME_RE.test(n)) {
      throw new RangeError(`Invalid ${what} name "${n}": expected letters, digits, +_.-`);
    }
  }
  const stats: Record<string, string> = {};
  let bytes = 0;
  for (const [path, host] of Object.entries(spec.files)) {
    const st = await Deno.stat(host);
    stats[path] = `${st.size}:${st.mtime?.getTime()}`;
    bytes += st.size;
  }
  const key = (await sha256Hex(JSON.stringify({ v: BUILD_VERSION, spec, stats }))).slice(0, 12);
  const out = `${DISK_DIR}/${spec.name}-${key}.img`;
  if (await exists(out)) return out;
  await Deno.mkdir(DISK_DIR, { recursive: true });

  const tmp = `${out}.tmp-${Deno.pid}`;
  const work = await Deno.makeTempDir({ dir: "/dev/shm", prefix: "tmpfs-root-e2e-lvm-" });
  let loop = "";
  let stagedDir = "";
  try {
    const sizeMiB = spec.sizeMiB ?? Math.ceil(bytes * 1.1 / 1048576) + 32;
    await Deno.remove(tmp).catch(() => {});
    await $`truncate -s ${`${sizeMiB}M`} ${tmp}`;
    let partOffset = 0;
    let partSize = sizeMiB * 1048576;
    if ((spec.table ?? "mbr") === "mbr") {
      await $`sfdisk --no-reread --no-tell-kernel -q ${tmp}`.stdinText(
        "label: dos\nstart=2048, type=8e\n",
      ).quiet();
      const json = JSON.parse(await $`sfdisk -J ${tmp}`.text()) as {
        partitiontable: { partitions: { start: number; size: number }[] };
      };
      const part = json.partitiontable.partitions[0]!;
      partOffset = part.start * 512;
      partSize = part.size * 512;
    }
    loop =
      (await $`losetup --find --show --offset ${String(partOffset)} --sizelimit ${
        String(partSize)
      } ${tmp}`
        .text()).trim();
    if (!/^\/dev\/loop\d+$/.test(loop)) throw new Error(`losetup gave "${loop}"`);
    await Deno.writeTextFile(
      `${work}/lvm.conf`,
      [
        `devices { filter = [ "a|^${loop}$|", "r|.*|" ] use_devicesfile = 0 obtain_device_list_from_udev = 0 hints = "none" }`,
        `activation { udev_sync = 0 udev_rules = 0 monitoring = 0 }`,
        `backup { backup = 0 archive = 0 }`,
        `global { locking_dir = "${work}" }`,
        "",
      ].join("\n"),
    );
    const n = ["--driverloaded", "n"];
    await lvm(work, ["pvcreate", ...n, "-y", "-ff", loop]);
    await lvm(work, ["vgcreate", ...n, spec.vg, loop]);
    await lvm(work, [
      "lvcreate",
      ...n,
      "-an",
      "-Zn",
      "-y",
      "-l",
      "100%FREE",
      "-n",
      spec.lv,
      spec.vg,
    ]);
    const [peStart, extent] = (await lvm(work, [
      "pvs",
      ...n,
      "--noheadings",
      "--nosuffix",
      "--units",
      "b",
      "-o",
      "pe_start,vg_extent_size",
      loop,
    ])).trim().split(/\s+/).map(Number);
    const [lvSize, ranges] = (await lvm(work, [
      "lvs",
      ...n,
      "--noheadings",
      "--nosuffix",
      "--units",
      "b",
      "-o",
      "lv_size,seg_pe_ranges",
      `${spec.vg}/${spec.lv}`,
    ])).trim().split(/\s+/);
    const firstPe = Number(/:(\d+)-\d+$/.exec(ranges ?? "")?.[1]);
    if (!(peStart! >= 0 && extent! > 0 && firstPe >= 0 && Number(lvSize) > 0)) {
      throw new Error(
        `Cannot place the file system: pvs/lvs said "${peStart} ${extent} ${lvSize} ${ranges}"`,
      );
    }
    await $`losetup -d ${loop}`;
    loop = "";
    const stage = await stageFiles(spec.files);
    stagedDir = stage.dir;
    await mkfsExt4(tmp, {
      offset: partOffset + peStart! + firstPe * extent!,
      sizeKiB: Math.floor(Number(lvSize) / 1024),
      dir: stage.dir,
      ...(spec.fsLabel === undefined ? {} : { label: spec.fsLabel }),
      ...(spec.fsUuid === undefined ? {} : { uuid: spec.fsUuid }),
    });
    await Deno.rename(tmp, out);
    return out;
  } catch (e) {
    await Deno.remove(tmp).catch(() => {});
    throw e;
  } finally {
    if (loop) await $`losetup -d ${loop}`.noThrow().quiet();
    if (stagedDir) await Deno.remove(stagedDir, { recursive: true });
    await Deno.remove(work, { recursive: true });
  }
}
