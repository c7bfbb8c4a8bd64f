/**
 * Sizing the tmpfs before anything is written: from `rd.tmpfs.size`, the
 * archive's manifest (`<imgfile>.manifest`) and the machine's RAM. The
 * module's `fit` step and the simulator both follow {@linkcode fitTmpfs}.
 *
 * - Without a manifest: `rd.tmpfs.size` as given, or its default (50% of RAM).
 * - With a manifest and `rd.tmpfs.size` given: the archive must fit in that
 *   size, or the boot stops before the tmpfs is mounted.
 * - With a manifest and no `rd.tmpfs.size`: the unpacked bytes plus a tenth
 *   (at least 64 MiB), capped by the RAM less a reserve (an eighth, at least
 *   128 MiB); an archive that does not fit in that stops the boot too.
 * - With a manifest, `nr_inodes` is the archive's inodes plus a tenth (at
 *   least 16384), so that the running system can still make files.
 *
 * @module
 */
import { SIZE_HEADROOM_MIN } from "./manifest.ts";

const PAGE = 4096;
const MIB = 1024 * 1024;

/** The RAM the root's tmpfs never takes when sized from a manifest: an eighth, and at least this. */
export const RAM_RESERVE_MIN = 128 * MIB;

/** Inodes on top of the archive's when `nr_inodes` comes from a manifest: a tenth, at least this. */
export const INODE_HEADROOM_MIN = 16384;

const UNITS: Readonly<Record<string, number>> = { k: 1024, m: MIB, g: 1024 * MIB };

/**
 * The bytes a tmpfs mounted with `size=<size>` may hold on a machine with
 * `ram` bytes of RAM: a number of bytes with an optional k, m or g suffix
 * (powers of 1024, as the kernel's memparse), or a percentage of RAM,
 * rounded up to whole 4 KiB pages as the kernel does.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { tmpfsBytes } from "./fit.ts";
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
  return Math.ceil(bytes / PAGE) * PAGE;
}

/**
 * A count with an optional k, m or g suffix (powers of 1024), as the
 * kernel's memparse reads `nr_inodes=`.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { countOf } from "./fit.ts";
 * assert.equal(countOf("10k"), 10240);
 * assert.equal(countOf("7"), 7);
 * ```
 */
export function countOf(value: string): number {
  const m = /^([0-9]+)([kKmMgG]?)$/.exec(value);
  if (!m) throw new RangeError(`Invalid count "${value}": expected a number with k, m or g`);
  return Number(m[1]) * (m[2] ? UNITS[m[2].toLowerCase()]! : 1);
}

/**
 * The RAM kept out of a tmpfs sized from a manifest: an eighth of `ram`,
 * at least {@linkcode RAM_RESERVE_MIN}.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { ramReserve } from "./fit.ts";
 * assert.equal(ramReserve(8 * 1024 ** 3), 1024 ** 3);
 * assert.equal(ramReserve(512 * 1024 ** 2), 128 * 1024 ** 2);
 * ```
 */
export function ramReserve(ram: number): number {
  return Math.max(Math.floor(ram / 8), RAM_RESERVE_MIN);
}

/**
 * `nr_inodes` for an archive of `inodes` inodes: a tenth more, at least
 * {@linkcode INODE_HEADROOM_MIN} more.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { inodeLimit } from "./fit.ts";
 * assert.equal(inodeLimit(1000), 1000 + 16384);
 * assert.equal(inodeLimit(500000), 550000);
 * ```
 */
export function inodeLimit(inodes: number): number {
  return inodes + Math.max(Math.ceil(inodes / 10), INODE_HEADROOM_MIN);
}

/**
 * Bytes as the console gives them: `N bytes` under 1 KiB, else one decimal
 * of the largest unit that fits (KiB, MiB, GiB, TiB), rounded half up.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { humanBytes } from "./fit.ts";
 * assert.equal(humanBytes(512), "512 bytes");
 * assert.equal(humanBytes(3.14 * 1024 ** 3), "3.1 GiB");
 * assert.equal(humanBytes(2 * 1024 ** 3), "2.0 GiB");
 * ```
 */
export function humanBytes(n: number): string {
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let unit = 0;
  let size = 1;
  for (let i = 0; i < units.length && n >= 1024 * size; i++) [unit, size] = [i + 1, size * 1024];
  if (unit === 0) return `${n} bytes`;
  const tenths = Math.floor((n * 10 + size / 2) / size);
  return `${Math.floor(tenths / 10)}.${tenths % 10} ${units[unit - 1]}`;
}

/** What {@linkcode fitTmpfs} needs of a manifest. */
export interface Needs {
  readonly unpackedBytes: number;
  readonly inodes: number;
}

/** The tmpfs to mount, or why the archive cannot fit. */
export type FitResult =
  | {
    readonly kind: "ok";
    /** The value of the mount's `size=`. */
    readonly size: string;
    /** The mount's `nr_inodes=`, or `null` to leave the kernel's default. */
    readonly nrInodes: number | null;
  }
  | {
    /** The manifest's inodes are more than the `nr_inodes` of `rd.tmpfs.opts`. */
    readonly kind: "tooManyInodes";
    readonly inodes: number;
    readonly allows: number;
    /** The option as given, `nr_inodes=10k`. */
    readonly limit: string;
  }
  | {
    readonly kind: "tooLarge";
    readonly unpackedBytes: number;
    /** What the limit allows, in bytes. */
    readonly allows: number;
    /** What sets the limit: `rd.tmpfs.size=2G`, or the RAM less the reserve. */
    readonly limit: string;
  };

/** The limit's name when the RAM sets it. */
export const RAM_LIMIT = "the RAM less its reserve";

/**
 * The tmpfs for an archive: `size` is `rd.tmpfs.size` (its default when
 * not `given`), `needs` the manifest's counts (`null`: no manifest), `ram`
 * the machine's RAM in bytes (MemTotal).
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { fitTmpfs } from "./fit.ts";
 * const GiB = 1024 ** 3;
 * assert.deepEqual(fitTmpfs("50%", false, null, 4 * GiB), { kind: "ok", size: "50%", nrInodes: null });
 * const needs = { unpackedBytes: GiB, inodes: 1000 };
 * assert.deepEqual(fitTmpfs("50%", false, needs, 4 * GiB), {
 *   kind: "ok", size: String(1127 * 1024 ** 2), nrInodes: 17384,
 * });
 * assert.equal(fitTmpfs("512M", true, needs, 4 * GiB).kind, "tooLarge");
 * ```
 */
export function fitTmpfs(
  size: string,
  given: boolean,
  needs: Needs | null,
  ram: number,
  opts = "",
): FitResult {
  if (needs === null) return { kind: "ok", size, nrInodes: null };
  const nr = opts.split(",").find((o) => o.startsWith("nr_inodes="));
  if (nr !== undefined) {
    // nr_inodes given: the manifest's inodes must fit in it (0: no limit).
    const allows = countOf(nr.slice("nr_inodes=".length));
    if (allows !== 0 && needs.inodes > allows) {
      return { kind: "tooManyInodes", inodes: needs.inodes, allows, limit: nr };
    }
  }
  const nrInodes = inodeLimit(needs.inodes);
  if (given) {
    const allows = Math.min(tmpfsBytes(size, ram), ram);
    return needs.unpackedBytes > allows
      ? {
        kind: "tooLarge",
        unpackedBytes: needs.unpackedBytes,
        allows,
        limit: `rd.tmpfs.size=${size}`,
      }
      : { kind: "ok", size, nrInodes };
  }
  const allows = Math.floor(Math.max(ram - ramReserve(ram), 0) / PAGE) * PAGE;
  // Nothing fits in no room (and size=0 would be a tmpfs without a limit).
  if (needs.unpackedBytes > allows || allows === 0) {
    return { kind: "tooLarge", unpackedBytes: needs.unpackedBytes, allows, limit: RAM_LIMIT };
  }
  const headroom = Math.max(Math.ceil(needs.unpackedBytes / 10), SIZE_HEADROOM_MIN);
  const want = Math.ceil((needs.unpackedBytes + headroom) / MIB) * MIB;
  return { kind: "ok", size: String(Math.min(want, allows)), nrInodes };
}

/**
 * The two sizes of a failure line: each as {@linkcode humanBytes} gives it,
 * or both in bytes when they would read the same.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { fitWords } from "./fit.ts";
 * assert.deepEqual(fitWords(3 * 1024 ** 3, 2 * 1024 ** 3), ["3.0 GiB", "2.0 GiB"]);
 * assert.deepEqual(fitWords(2147487744, 2147483648), ["2147487744 bytes", "2147483648 bytes"]);
 * ```
 */
export function fitWords(unpackedBytes: number, allows: number): [string, string] {
  const [u, a] = [humanBytes(unpackedBytes), humanBytes(allows)];
  return u === a ? [`${unpackedBytes} bytes`, `${allows} bytes`] : [u, a];
}

/**
 * The tmpfs's mount options (`mode` apart): `size=`, `nr_inodes=` (the one
 * `opts` gives, else the manifest's with headroom), then the other options
 * of `opts` (`huge=`, `mpol=`) in their order.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { mountOptions } from "./fit.ts";
 * const fit = { kind: "ok", size: "1G", nrInodes: 17384 } as const;
 * assert.equal(mountOptions(fit, ""), "size=1G,nr_inodes=17384");
 * assert.equal(
 *   mountOptions(fit, "mode=0700,mpol=interleave,nr_inodes=0"),
 *   "size=1G,nr_inodes=0,mpol=interleave",
 * );
 * ```
 */
export function mountOptions(fit: Extract<FitResult, { kind: "ok" }>, opts: string): string {
  const given = opts === "" ? [] : opts.split(",");
  const nr = given.find((o) => o.startsWith("nr_inodes="));
  const rest = given.filter((o) => !o.startsWith("nr_inodes=") && !o.startsWith("mode="));
  const inodes = nr ?? (fit.nrInodes === null ? null : `nr_inodes=${fit.nrInodes}`);
  return [`size=${fit.size}`, ...(inodes === null ? [] : [inodes]), ...rest].join(",");
}

/**
 * The root directory's mode before the archive sets its own: `mode=` of
 * `opts`, else 0755.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { rootMode } from "./fit.ts";
 * assert.equal(rootMode("huge=always,mode=0700"), "0700");
 * assert.equal(rootMode(""), "0755");
 * ```
 */
export function rootMode(opts: string): string {
  return opts.split(",").find((o) => o.startsWith("mode="))?.slice("mode=".length) ?? "0755";
}
