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
 * attributes=xattrs
 * ```
 *
 * Lines starting with `#` and empty lines are comments. A key this version
 * does not know is ignored (a newer `pack` may add some); a known key given
 * twice, a missing one, a value that is not valid or a `version` other
 * than 1 make the whole manifest invalid.
 *
 * @module
 */
import { type Attribute, ATTRIBUTES, type Format, FORMATS } from "./commands.ts";
import { type Message, MESSAGES, text } from "./messages.ts";

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
  /**
   * The kinds of file attribute its entries carry, which tar is asked to
   * restore; absent (a manifest without the line): every kind.
   */
  readonly attributes?: readonly Attribute[];
}

/**
 * Every value of `attributes=`: `none`, or the kinds in the order of
 * {@linkcode ATTRIBUTES}, separated by commas.
 */
export const ATTRIBUTE_LISTS: readonly string[] = [
  "none",
  ...Array.from(
    { length: 2 ** ATTRIBUTES.length - 1 },
    (_, i) => ATTRIBUTES.filter((_, b) => ((i + 1) >> b) & 1).join(","),
  ),
];

/**
 * The `attributes=` value of a list of kinds.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { attributeList } from "./manifest.ts";
 * assert.equal(attributeList(["selinux", "xattrs"]), "xattrs,selinux");
 * assert.equal(attributeList([]), "none");
 * ```
 */
export function attributeList(kinds: readonly Attribute[]): string {
  const list = ATTRIBUTES.filter((a) => kinds.includes(a));
  return list.length === 0 ? "none" : list.join(",");
}

/** The kinds of an `attributes=` value (one of {@linkcode ATTRIBUTE_LISTS}). */
export function attributesOf(list: string): Attribute[] {
  return ATTRIBUTES.filter((a) => list.split(",").includes(a));
}

/** A manifest field: its key in the file, its property, and how its value is checked. */
interface FieldSpec {
  readonly key: string;
  readonly property: keyof Manifest;
  readonly check: RegExp;
  readonly expected: string;
  readonly doc: string;
  /** Whether a manifest may lack the line (an older `pack` did not write it). */
  readonly optional?: boolean;
  /** The value as the manifest holds it, from the text (default: the text itself). */
  readonly read?: (text: string) => unknown;
  /** The text of a value (default: `String`). */
  readonly write?: (value: never) => string;
}

/** The largest byte or inode count a manifest holds: 15 digits, well inside shell arithmetic. */
export const MANIFEST_COUNT_DIGITS = 15;

/** The characters of the `archive=` file name (a tr(1) set and a regular expression class alike). */
export const MANIFEST_NAME_CHARS = "A-Za-z0-9._~:@!$&'()*+,;=%-";

/** The longest `archive=` file name. */
export const MANIFEST_NAME_MAX = 255;

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
    check: new RegExp(`^[${MANIFEST_NAME_CHARS}]{1,${MANIFEST_NAME_MAX}}$`),
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
    read: Number,
    doc: "The archive's size in bytes.",
  },
  {
    key: "unpacked_bytes",
    property: "unpackedBytes",
    check: COUNT,
    expected: COUNT_EXPECTED,
    read: Number,
    doc:
      "What the tree takes in a tmpfs, in bytes: each regular file rounded up to a 4 KiB page (hard links once), and a page for each directory and symbolic link.",
  },
  {
    key: "inodes",
    property: "inodes",
    check: COUNT,
    expected: COUNT_EXPECTED,
    read: Number,
    doc: "The number of files, directories, links and other entries (a hard-link group once).",
  },
  {
    key: "sha256",
    property: "sha256",
    check: /^[0-9a-f]{64}$/,
    expected: "64 lower-case hex digits",
    doc: "The archive's SHA-256 digest.",
  },
  {
    key: "attributes",
    property: "attributes",
    check: new RegExp(`^(${ATTRIBUTE_LISTS.join("|")})$`),
    expected: `none, or ${ATTRIBUTES.join(", ")} (one or more, in that order, separated by commas)`,
    optional: true,
    read: attributesOf,
    write: attributeList,
    doc: `The kinds of file attribute the archive's entries carry: none, or one or more of ${
      ATTRIBUTES.join(", ")
    } (extended attributes, file capabilities included; POSIX ACLs; SELinux labels). tar is asked to restore only these, since each option costs time for every entry; without the line (a manifest an older pack wrote), or without a manifest, it restores all three.`,
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
    if (m[f.property] === undefined && f.optional) continue;
    const value = f.write ? f.write(m[f.property] as never) : String(m[f.property]);
    if (!f.check.test(value)) {
      throw new TypeError(`Invalid manifest ${f.key} "${value}": expected ${f.expected}`);
    }
    lines.push(`${f.key}=${value}`);
  }
  return lines.join("\n") + "\n";
}

/** Why a manifest is not valid: the first problem, in the order the module checks. */
export type ManifestProblem =
  | { readonly kind: "line"; readonly line: number }
  | { readonly kind: "twice"; readonly key: string }
  | { readonly kind: "noVersion" }
  | { readonly kind: "version" }
  | { readonly kind: "missing"; readonly key: string }
  | { readonly kind: "value"; readonly key: string; readonly expected: string }
  | { readonly kind: "other"; readonly archive: string };

/** A manifest read, or its first problem. */
export type ManifestResult =
  | { readonly kind: "ok"; readonly manifest: Manifest }
  | { readonly kind: "invalid"; readonly problem: ManifestProblem };

/**
 * Reads a manifest's text, as the module does: lines of `key=value`
 * (`#` comments and empty lines skipped; a line without `=`, or starting
 * with one, is a problem), a known key given twice, `version=` missing or
 * not 1, each field missing or not valid, in the table's order; with
 * `archive`, a manifest for another file name is a problem too. Keys it
 * does not know are ignored.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { checkManifest } from "./manifest.ts";
 * assert.deepEqual(checkManifest("version=2\n"), { kind: "invalid", problem: { kind: "version" } });
 * assert.deepEqual(checkManifest("x\n"), { kind: "invalid", problem: { kind: "line", line: 1 } });
 * ```
 */
export function checkManifest(text: string, archive?: string): ManifestResult {
  const invalid = (problem: ManifestProblem): ManifestResult => ({ kind: "invalid", problem });
  const known = new Set(["version", ...MANIFEST_FIELDS.map((f) => f.key)]);
  const seen = new Map<string, string>();
  // A last line without a newline counts; the newline after the last line starts none.
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  for (const [i, line] of lines.entries()) {
    if (line === "" || line.startsWith("#")) continue;
    const eq = line.indexOf("=");
    if (eq <= 0) return invalid({ kind: "line", line: i + 1 });
    const key = line.slice(0, eq);
    if (!known.has(key)) continue;
    if (seen.has(key)) return invalid({ kind: "twice", key });
    seen.set(key, line.slice(eq + 1));
  }
  const version = seen.get("version");
  if (version === undefined) return invalid({ kind: "noVersion" });
  if (version !== String(MANIFEST_VERSION)) return invalid({ kind: "version" });
  const m: Record<string, unknown> = {};
  for (const f of MANIFEST_FIELDS) {
    const value = seen.get(f.key);
    if (value === undefined && f.optional) continue;
    if (value === undefined) return invalid({ kind: "missing", key: f.key });
    if (!f.check.test(value)) return invalid({ kind: "value", key: f.key, expected: f.expected });
    m[f.property] = f.read ? f.read(value) : value;
  }
  if (archive !== undefined && m.archive !== archive) {
    return invalid({ kind: "other", archive: String(m.archive) });
  }
  return { kind: "ok", manifest: m as unknown as Manifest };
}

/**
 * Reads a manifest's text; throws a `SyntaxError` naming the problem when
 * it is not valid.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { parseManifest } from "./manifest.ts";
 * assert.throws(() => parseManifest("version=2\n"), /Invalid manifest: not version 1/);
 * assert.throws(() => parseManifest("version=1\n"), /Invalid manifest: no archive=/);
 * ```
 */
export function parseManifest(text: string): Manifest {
  const r = checkManifest(text);
  if (r.kind === "ok") return r.manifest;
  throw new SyntaxError(`Invalid manifest: ${manifestProblemText(r.problem)}`);
}

/**
 * A problem in words, after the manifest's name (`rootfs.tar.zst.manifest: …`).
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { manifestProblemText } from "./manifest.ts";
 * assert.equal(manifestProblemText({ kind: "twice", key: "inodes" }), "inodes= is given twice");
 * ```
 */
export function manifestProblemText(p: ManifestProblem): string {
  return text(manifestProblem(p));
}

/** A problem as a message, for the console line `<file> is not a valid manifest: <problem>`. */
export function manifestProblem(p: ManifestProblem): Message<string> {
  switch (p.kind) {
    case "line":
      return MESSAGES.manifestLine(String(p.line));
    case "twice":
      return MESSAGES.manifestTwice(p.key);
    case "noVersion":
      return MESSAGES.manifestNoVersion();
    case "version":
      return MESSAGES.manifestVersion(String(MANIFEST_VERSION));
    case "missing":
      return MESSAGES.manifestMissing(p.key);
    case "value":
      return MESSAGES.manifestValue(p.key, p.expected);
    case "other":
      return MESSAGES.manifestOther(p.archive);
  }
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
