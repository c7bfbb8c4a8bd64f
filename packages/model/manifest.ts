/**
 * The manifest beside an archive, `<imgfile>.manifest`: what the archive
 * holds, in lines of `key=value` that POSIX shell reads with
 * `while IFS== read -r key value` (no jq). `tmpfs-root pack` writes it; the
 * module and `tmpfs-root inspect` read it.
 *
 * ```text
 * # tmpfs-root manifest: written by tmpfs-root pack
 * version=1
 * archive=rootfs.tar.zst
 * format=zstd
 * compressed_bytes=81234567
 * unpacked_bytes=276480000
 * inodes=11234
 * sha256=9f8e…
 * ```
 *
 * Lines starting with `#` and empty lines are comments. A key this version
 * does not know is ignored (a newer `pack` may add some); a known key given
 * twice, a missing one, a value that is not valid or a `version` other
 * than 1 make the whole manifest invalid.
 *
 * @module
 */
import { type Format, FORMATS } from "./commands.ts";

/** The manifest's format version this code writes and reads. */
export const MANIFEST_VERSION = 1;

/** The file name of an archive's manifest: the archive's name and `.manifest`. */
export const MANIFEST_SUFFIX = ".manifest";

/** What a manifest records about one archive. */
export interface Manifest {
  /** The archive's file name, without a directory. */
  readonly archive: string;
  readonly format: Format;
  /** The archive's size as stored (compressed). */
  readonly compressedBytes: number;
  /**
   * What the unpacked tree takes in a tmpfs: every regular file's size
   * rounded up to a 4 KiB page (a hard-linked file once), and a page for
   * each directory and each symbolic link.
   */
  readonly unpackedBytes: number;
  /** Entries in the tree (each hard-link group once), the root directory included. */
  readonly inodes: number;
  /** The archive's SHA-256, 64 lower-case hex digits. */
  readonly sha256: string;
}

/** A manifest field: its key in the file, its property, and how its value is checked. */
interface FieldSpec {
  readonly key: string;
  readonly property: keyof Manifest;
  readonly check: RegExp;
  readonly expected: string;
  readonly doc: string;
}

/** The largest byte or inode count a manifest holds: 15 digits, well inside shell arithmetic. */
export const MANIFEST_COUNT_DIGITS = 15;

const COUNT = new RegExp(`^(0|[1-9][0-9]{0,${MANIFEST_COUNT_DIGITS - 1}})$`);
const COUNT_EXPECTED = `a whole number of up to ${MANIFEST_COUNT_DIGITS} digits`;

/**
 * The manifest's fields, in the order they are written; the documentation
 * is made from this table.
 */
export const MANIFEST_FIELDS: readonly FieldSpec[] = [
  {
    key: "archive",
    property: "archive",
    check: /^[A-Za-z0-9._~:@!$&'()*+,;=%-]{1,255}$/,
    expected: "the archive's file name without a directory",
    doc: "The archive's file name.",
  },
  {
    key: "format",
    property: "format",
    check: new RegExp(`^(${FORMATS.join("|")})$`),
    expected: `one of ${FORMATS.join(", ")}`,
    doc: `How the archive is compressed: ${FORMATS.join(", ")} (tar: not compressed).`,
  },
  {
    key: "compressed_bytes",
    property: "compressedBytes",
    check: COUNT,
    expected: COUNT_EXPECTED,
    doc: "The archive's size in bytes.",
  },
  {
    key: "unpacked_bytes",
    property: "unpackedBytes",
    check: COUNT,
    expected: COUNT_EXPECTED,
    doc:
      "What the tree takes in a tmpfs, in bytes: each regular file rounded up to a 4 KiB page (hard links once), and a page for each directory and symbolic link.",
  },
  {
    key: "inodes",
    property: "inodes",
    check: COUNT,
    expected: COUNT_EXPECTED,
    doc: "The number of files, directories, links and other entries (a hard-link group once).",
  },
  {
    key: "sha256",
    property: "sha256",
    check: /^[0-9a-f]{64}$/,
    expected: "64 lower-case hex digits",
    doc: "The archive's SHA-256 digest.",
  },
];

/**
 * The manifest's text.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { formatManifest, parseManifest } from "./manifest.ts";
 * const m = {
 *   archive: "rootfs.tar.zst", format: "zstd", compressedBytes: 10, unpackedBytes: 4096,
 *   inodes: 1, sha256: "0".repeat(64),
 * } as const;
 * const text = formatManifest(m);
 * assert.match(text, /^version=1$/m);
 * assert.deepEqual(parseManifest(text), m);
 * ```
 */
export function formatManifest(m: Manifest): string {
  const lines = [
    "# tmpfs-root manifest: written by tmpfs-root pack",
    `version=${MANIFEST_VERSION}`,
  ];
  for (const f of MANIFEST_FIELDS) {
    const value = String(m[f.property]);
    if (!f.check.test(value)) {
      throw new TypeError(`Invalid manifest ${f.key} "${value}": expected ${f.expected}`);
    }
    lines.push(`${f.key}=${value}`);
  }
  return lines.join("\n") + "\n";
}

/**
 * Reads a manifest's text; throws a `SyntaxError` naming the line or the
 * field when it is not valid.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { parseManifest } from "./manifest.ts";
 * assert.throws(() => parseManifest("version=2\n"), /Unsupported manifest version "2"/);
 * assert.throws(() => parseManifest("version=1\n"), /missing archive=/);
 * ```
 */
export function parseManifest(text: string): Manifest {
  const seen = new Map<string, string>();
  for (const [i, line] of text.split("\n").entries()) {
    if (line === "" || line.startsWith("#")) continue;
    const eq = line.indexOf("=");
    if (eq <= 0) {
      throw new SyntaxError(`Invalid manifest line ${i + 1} "${line}": expected key=value`);
    }
    const key = line.slice(0, eq);
    if (seen.has(key)) throw new SyntaxError(`Invalid manifest: ${key}= is given twice`);
    seen.set(key, line.slice(eq + 1));
  }
  const version = seen.get("version");
  if (version !== String(MANIFEST_VERSION)) {
    throw new SyntaxError(
      version === undefined
        ? "Invalid manifest: missing version="
        : `Unsupported manifest version "${version}": expected ${MANIFEST_VERSION}`,
    );
  }
  const m: Record<string, string | number> = {};
  for (const f of MANIFEST_FIELDS) {
    const value = seen.get(f.key);
    if (value === undefined) throw new SyntaxError(`Invalid manifest: missing ${f.key}=`);
    if (!f.check.test(value)) {
      throw new SyntaxError(`Invalid manifest ${f.key} "${value}": expected ${f.expected}`);
    }
    m[f.property] = f.check === COUNT ? Number(value) : value;
  }
  return m as unknown as Manifest;
}

/** Headroom on top of the unpacked bytes when sizing a tmpfs: a tenth, and at least this much. */
export const SIZE_HEADROOM_MIN = 64 * 1024 * 1024;

/**
 * The `rd.tmpfs.size` to give a tree that takes `unpackedBytes` in a tmpfs:
 * a tenth more and at least 64 MiB more, rounded up to a whole MiB, as the
 * value the parameter takes (`M`).
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { recommendedSize } from "./manifest.ts";
 * assert.equal(recommendedSize(0), "64M");
 * assert.equal(recommendedSize(1024 ** 3), "1127M");
 * ```
 */
export function recommendedSize(unpackedBytes: number): string {
  const headroom = Math.max(Math.ceil(unpackedBytes / 10), SIZE_HEADROOM_MIN);
  return `${Math.ceil((unpackedBytes + headroom) / (1024 * 1024))}M`;
}
