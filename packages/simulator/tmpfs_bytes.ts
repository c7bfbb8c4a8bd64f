const UNITS: Readonly<Record<string, number>> = { k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/**
 * The bytes a tmpfs mounted with `size=<size>` may hold on a machine with
 * `ram` bytes of RAM: a number of bytes with an optional k, m or g suffix
 * (powers of 1024, as the kernel's memparse), or a percentage of RAM,
 * rounded up to whole 4 KiB pages as the kernel does.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { tmpfsBytes } from "./tmpfs_bytes.ts";
 * assert.equal(tmpfsBytes("3G", 8 * 1024 ** 3), 3221225472);
 * assert.equal(tmpfsBytes("50%", 8 * 1024 ** 3), 4294967296);
 * ```
 */
export function tmpfsBytes(size: string, ram: number): number {
  const percent = /^([0-9]+)%$/.exec(size);
  const bytes = percent ? Math.floor((ram * Number(percent[1])) / 100) : (() => {
    const m = /^([0-9]+)([kKmMgG]?)$/.exec(size);
    if (!m) {
      throw new RangeError(`Invalid tmpfs size "${size}": expected a number with k, m, g or %`);
    }
    return Number(m[1]) * (m[2] ? UNITS[m[2].toLowerCase()]! : 1);
  })();
  return Math.ceil(bytes / 4096) * 4096;
}
