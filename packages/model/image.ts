/**
 * What the initramfs holds for tmpfs-root, as module-setup.sh builds it:
 * the private folder of the programs the boot runs, the decompressors it
 * gets, and the programs' packages.
 *
 * @module
 */
import type { Format } from "./commands.ts";

/**
 * The folder of the programs the boot runs: module-setup.sh installs the
 * build host's own program (GNU tar, util-linux mount, coreutils, the
 * decompressors, curl, openssl) under its name here, and the hooks run each
 * by this absolute path. A shell that prefers its own applets (busybox sh
 * as /bin/sh, with dracut's busybox module linking applets over the tools)
 * runs an applet for a bare name, even one on PATH, and busybox's tar
 * rejects `--same-owner`; a path is never taken for an applet.
 */
export const TOOLS_DIR = "/lib/tmpfs-root/bin";

/**
 * The source kinds the initramfs boots, one line of words written by
 * module-setup.sh (`block lvm`, `block nfs http`): a kind whose dracut
 * modules (network, nfs, url-lib) the build left out is refused on the
 * command line with a line that says how to build an image that has them.
 */
export const SOURCES_FILE = "/lib/tmpfs-root/sources";

/**
 * How module-setup.sh's build warning starts when the image will not boot a
 * kind (its dracut modules cannot be installed, or its program is missing):
 * `tmpfs-root: this initramfs will not boot nfs sources: ...`.
 */
export const KIND_LEFT_OUT = "tmpfs-root: this initramfs will not boot";

/**
 * A program's path in the initramfs: `toolPath("tar")` is
 * `/lib/tmpfs-root/bin/tar`.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { toolPath } from "./image.ts";
 * assert.equal(toolPath("tar"), "/lib/tmpfs-root/bin/tar");
 * ```
 */
export function toolPath(name: string): string {
  return `${TOOLS_DIR}/${name}`;
}

/**
 * The Debian package of every program the boot runs, for the messages
 * that tell an operator what to install (the build host lacks it, or has
 * only BusyBox's applet of that name). A test checks that every program the
 * emitted module runs is here.
 */
export const PROGRAM_PACKAGES: Readonly<Record<string, string>> = {
  bzip2: "bzip2",
  cat: "coreutils",
  chmod: "coreutils",
  chroot: "coreutils",
  cp: "coreutils",
  curl: "curl",
  dd: "coreutils",
  df: "coreutils",
  find: "findutils",
  grep: "grep",
  gzip: "gzip",
  head: "coreutils",
  ln: "coreutils",
  lz4: "lz4",
  mkdir: "coreutils",
  mkfifo: "coreutils",
  mktemp: "coreutils",
  mount: "mount",
  mv: "coreutils",
  od: "coreutils",
  openssl: "openssl",
  pigz: "pigz",
  rm: "coreutils",
  rmdir: "coreutils",
  sed: "sed",
  sha256sum: "coreutils",
  sleep: "coreutils",
  stat: "coreutils",
  tar: "tar",
  tee: "coreutils",
  touch: "coreutils",
  tr: "coreutils",
  umount: "mount",
  xz: "xz-utils",
  zstd: "zstd",
};

/**
 * The dracut.conf variable that names the file systems whose kernel modules
 * an image gets for block sources (unset: every one a block source may
 * carry, the block kind's `kernelModules` in source_kinds.ts). Each named must
 * be installable for the image's kernel, or the build stops.
 */
export const FILESYSTEMS_VAR = "tmpfs_root_filesystems";

/** The dracut.conf variable that names the decompressors an image gets. */
export const DECOMPRESSORS_VAR = "tmpfs_root_decompressors";

/**
 * The programs each compressed format's decompression may run: the first
 * is the one the format needs, the rest stand in for it when the image has
 * them (pigz for gzip). `tmpfs_root_decompressors` names formats; each
 * brings its programs that the build host has.
 */
export const DECOMPRESSOR_PROGRAMS: Readonly<Record<Exclude<Format, "tar">, readonly string[]>> = {
  gzip: ["gzip", "pigz"],
  xz: ["xz"],
  zstd: ["zstd"],
  bzip2: ["bzip2"],
  lz4: ["lz4"],
};
