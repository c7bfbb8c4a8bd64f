/**
 * Real boots of initramfs images that leave things out, or put BusyBox in
 * place of the shell and the tools: a generic image built with
 * `--omit "network nfs url-lib"` keeps tmpfs-root for disks and LVM and
 * refuses an NFS or HTTP command line with one line that says how to build
 * an image that boots it; an image whose `tmpfs_root_decompressors` leaves
 * xz out says so, naming the package, when it meets an .xz archive; a lean
 * image (zstd alone, and `tmpfs_root_filesystems="ext4"`) boots its disk. (The
 * images whose /bin/sh is busybox are in `distro_scenarios.ts`, with
 * {@linkcode BUSYBOX_SHELL}.)
 *
 * @module
 */
import type { InitramfsOptions } from "./lib/dracut.ts";
import { formatsDisk } from "./format_scenarios.ts";
import { lvmDisk } from "./lvm_scenarios.ts";
import { bothFlavours, type Scenario } from "./lib/scenario.ts";

/** A generic image (dracut's default modules, -N) without the network's dracut modules. */
const NO_NETWORK: Omit<InitramfsOptions, "flavour"> = {
  full: true,
  extraArgs: ["--omit", "network nfs url-lib"],
};

/** An image that may unpack zstd alone (dracut.conf's tmpfs_root_decompressors). */
const ZSTD_ONLY: Omit<InitramfsOptions, "flavour"> = { conf: ['tmpfs_root_decompressors="zstd"'] };

/**
 * A lean image: zstd alone, and the ext4 driver alone for block sources
 * (dracut.conf's tmpfs_root_filesystems), for the formats disk (ext4).
 */
const LEAN: Omit<InitramfsOptions, "flavour"> = {
  conf: ['tmpfs_root_decompressors="zstd"', 'tmpfs_root_filesystems="ext4"'],
};

/**
 * /bin/sh is busybox, whose applets dracut links over every tool the host has
 * (tar, mount, xz, switch_root): the hooks still run GNU tar and util-linux
 * mount by their paths.
 */
export const BUSYBOX_SHELL: Omit<InitramfsOptions, "flavour"> = {
  modules: ["busybox"],
  extraArgs: ["--omit", "bash dash"],
};

/** A boot from the zstd archive of the formats disk. */
const BOOT_ZSTD = "root=tmpfs:/dev/vda1 rd.tmpfs.size=512M rd.tmpfs.imgfile=rootfs-zstd.img ro";

/** The image scenarios. */
export const IMAGE_SCENARIOS: readonly Scenario[] = [
  ...bothFlavours("image", "no-network-", {
    name: "block",
    cmdline: BOOT_ZSTD,
    disk: formatsDisk,
    initramfs: NO_NETWORK,
    expect: { kind: "pass", tmpfsSize: "512M" },
    timeoutSec: 240,
  }),
  ...bothFlavours("image", "no-network-", {
    name: "lvm",
    cmdline:
      "root=tmpfs:/dev/mapper/centos-root rd.tmpfs.size=1G rd.tmpfs.imgfile=images/rootfs.tar.gz rd.lvm.lv=centos/root ro",
    disk: lvmDisk,
    initramfs: { ...NO_NETWORK, modules: ["lvm"] },
    expect: { kind: "pass", tmpfsSize: "1G" },
    timeoutSec: 240,
  }).filter((s) => s.flavour === "classic"),
  ...bothFlavours("image", "no-network-", {
    name: "nfs-refused",
    cmdline: "root=tmpfs:NFS=nfs:10.0.2.2:/nfsexport rd.tmpfs.imgfile=images/rootfs.tar.gz ro",
    initramfs: NO_NETWORK,
    expect: {
      kind: "fail",
      step: "cmdline",
      line:
        /tmpfs-root: cmdline failed: invalid root "tmpfs:NFS=nfs:10\.0\.2\.2:\/nfsexport": this initramfs cannot boot nfs sources: it was built without dracut's network and nfs modules; build it on a host with dracut-network installed, with dracut --add "network nfs"/,
    },
    timeoutSec: 240,
  }),
  ...bothFlavours("image", "no-network-", {
    name: "http-refused",
    cmdline: "root=tmpfs:http://10.0.2.2:8080/rootfs.tar.gz ro",
    initramfs: NO_NETWORK,
    expect: {
      kind: "fail",
      step: "cmdline",
      line:
        /tmpfs-root: cmdline failed: invalid root "tmpfs:http:\/\/10\.0\.2\.2:8080\/rootfs\.tar\.gz": this initramfs cannot boot http sources: it was built without dracut's network and url-lib modules and curl/,
    },
    timeoutSec: 240,
  }).filter((s) => s.flavour === "classic"),
  ...bothFlavours("image", "decompressors-", {
    name: "no-xz",
    cmdline: "root=tmpfs:/dev/vda1 rd.tmpfs.imgfile=rootfs-xz.img ro",
    disk: formatsDisk,
    initramfs: ZSTD_ONLY,
    expect: {
      kind: "fail",
      step: "unpack",
      line:
        /tmpfs-root: unpack failed: rootfs-xz\.img is xz-compressed, but this initramfs has no xz: rebuild it where xz is installed \(Debian package xz-utils\) and, if tmpfs_root_decompressors is set in dracut\.conf, with xz in it/,
    },
  }),
  ...bothFlavours("image", "", {
    name: "lean-ext4-zstd",
    cmdline: BOOT_ZSTD,
    disk: formatsDisk,
    initramfs: LEAN,
    expect: { kind: "pass", tmpfsSize: "512M" },
  }),
];
