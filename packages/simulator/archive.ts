/**
 * Archives as the simulator sees them: their format, the entries they
 * unpack to, and what goes wrong when they are damaged.
 *
 * @module
 */

/** The formats tmpfs-root detects by content. */
export type ArchiveFormat = "gzip" | "xz" | "zstd" | "bzip2" | "lz4" | "plain";

/**
 * Every archive format, in the order the console names them.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { ARCHIVE_FORMATS } from "./archive.ts";
 * assert.deepEqual(ARCHIVE_FORMATS, ["gzip", "xz", "zstd", "bzip2", "lz4", "plain"]);
 * ```
 */
export const ARCHIVE_FORMATS: readonly ArchiveFormat[] = [
  "gzip",
  "xz",
  "zstd",
  "bzip2",
  "lz4",
  "plain",
];

/** One entry of an unpacked root. */
export interface RootEntry {
  /** The tar entry type: `file`, `directory`, `symlink`, `link`, ... */
  readonly type: string;
  /** The permission bits. */
  readonly mode: number;
  /** The numeric owner. */
  readonly uid: number;
  /** The numeric group. */
  readonly gid: number;
  /** The size in bytes (0 for all but regular files). */
  readonly size: number;
  /** The target of a symbolic or hard link. */
  readonly linkname?: string;
  /** The content of a regular file. */
  readonly data?: Uint8Array;
  /** Extended attributes (from PAX `SCHILY.xattr.*` records), e.g. `security.selinux`. */
  readonly xattrs?: Readonly<Record<string, string>>;
}

/** A member as tar reads it, in archive order: its name as written, its type and xattrs. */
export interface Member {
  readonly name: string;
  readonly type: string;
  readonly xattrs: readonly (readonly [string, string])[];
}

/** What opening an archive gives. */
export type ArchiveResult =
  | {
    readonly kind: "ok";
    readonly format: ArchiveFormat;
    /** The entries, by absolute path inside the new root (`/etc/os-release`). */
    readonly files: ReadonlyMap<string, RootEntry>;
    /** The bytes the entries take in a tmpfs (regular files rounded up to 4 KiB pages). */
    readonly size: number;
    /** Every member, in archive order (also those tar refuses). */
    readonly members: readonly Member[];
    /** tar's first error line, e.g. for a member name with `..` (which tar skips, then exits 2). */
    readonly tarError: string | null;
    /** Whether the tar stream ends with its end-of-archive blocks (`tarStreamEnd`). */
    readonly ended: boolean;
  }
  /** Not a tar archive in a format tmpfs-root knows. */
  | { readonly kind: "unknown" }
  /** `written`: the bytes tar put in the tmpfs before the end came (`tarWrittenBytes`). */
  | { readonly kind: "truncated"; readonly format: ArchiveFormat; readonly written: number }
  | { readonly kind: "corrupt"; readonly format: ArchiveFormat; readonly written: number };
