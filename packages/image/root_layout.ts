/**
 * What a root file system needs to boot, as `pack` and `inspect` judge it.
 *
 * @module
 */

/** The inits a root may boot with when the kernel command line names none (`init=`). */
export const INITS: readonly string[] = ["/sbin/init", "/usr/lib/systemd/systemd"];

/** A directory the root must have, and the mode `pack` gives it when the tree lacks it. */
export interface MountPointSpec {
  readonly path: string;
  readonly mode: number;
  /** The boot fails without it: switch-root moves the initramfs's mount there. */
  readonly required: boolean;
}

/**
 * The mount points of a root: switch-root moves /proc, /sys, /dev and /run
 * into the new root; /tmp is shared by every user (mode 1777).
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { MOUNT_POINTS } from "./root_layout.ts";
 * assert.deepEqual(MOUNT_POINTS.filter((p) => !p.required).map((p) => p.path), ["/tmp"]);
 * ```
 */
export const MOUNT_POINTS: readonly MountPointSpec[] = [
  { path: "/proc", mode: 0o555, required: true },
  { path: "/sys", mode: 0o555, required: true },
  { path: "/dev", mode: 0o755, required: true },
  { path: "/run", mode: 0o755, required: true },
  { path: "/tmp", mode: 0o1777, required: false },
];

/**
 * A byte count in words: `512 bytes`, `40.0 KiB`, `81.2 MiB`, `3.1 GiB`.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { bytesInWords } from "./root_layout.ts";
 * assert.equal(bytesInWords(512), "512 bytes");
 * assert.equal(bytesInWords(3.25 * 1024 ** 3), "3.3 GiB");
 * ```
 */
export function bytesInWords(n: number): string {
  const units = ["KiB", "MiB", "GiB", "TiB"];
  if (n < 1024) return `${n} bytes`;
  let value = n / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}
