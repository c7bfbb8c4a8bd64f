/**
 * The boot report, `/run/tmpfs-root/report.json`: what one boot did, as
 * JSON that the module writes with POSIX shell (no jq), on success after the
 * hand-over step and on every failure next to the console line. dracut
 * carries /run over into the new root in both flavours, so the booted
 * system (or a fleet's collector) reads it there.
 *
 * The field table {@linkcode REPORT_FIELDS} is the one description of the
 * schema: docs/report.md is generated from it, the compiler's writer is
 * tested against it, the simulator fills a {@linkcode BootReport} and the
 * differential harness compares the fields it marks `deterministic`.
 *
 * Strings are escaped by {@linkcode jsonString}: the file is pure ASCII.
 *
 * @module
 */

/** Where the module writes the report. */
export const REPORT_PATH = "/run/tmpfs-root/report.json";

/** The report's schema version: a field's meaning never changes within a version. */
export const REPORT_VERSION = 1;

/** One archive (layer) unpacked into the tmpfs, in the order they were unpacked. */
export interface LayerReport {
  /** The archive as the command line names it (`rd.tmpfs.imgfile`). */
  readonly name: string;
  /** Where it was read from: its path on the mounted source, or the URL that served it. */
  readonly from: string;
  /** Its format, detected by its magic bytes. */
  readonly format: string;
  /** The archive's bytes as read (compressed), as the reading side of the pipe counted them. */
  readonly bytesRead: number | null;
  /** How much the tmpfs's used space grew while this layer was unpacked (df's used, bytes). */
  readonly bytesUnpacked: number | null;
  /** Seconds the layer took (from /proc/uptime, hundredths), tries and pauses included. */
  readonly seconds: number;
  /** `bytesRead` over `seconds`, whole bytes; `null` when either is unknown or zero. */
  readonly bytesPerSecond: number | null;
  /** The SHA-256 of the bytes read, when they were hashed (a digest was asked for); else `null`. */
  readonly sha256: string | null;
  /** Whether a digest was required (`rd.tmpfs.sha256` or a sidecar) and so compared. */
  readonly checked: boolean;
  /** Tries it took: 1 for a mounted source; downloads count every try of every mirror. */
  readonly tries: number;
}

/** The tmpfs that became the root. */
export interface TmpfsReport {
  /** The options it was mounted with (a NUMA policy the kernel refused left out). */
  readonly options: string;
  /** What it holds, in bytes (df's size). */
  readonly sizeBytes: number | null;
  /** What is used in it when the report is written, in bytes (df's used). */
  readonly usedBytes: number | null;
}

/** The whole report. */
export interface BootReport {
  readonly version: number;
  readonly result: "ok" | "failed";
  /** The failed step's label, as the console line names it (`unpack`); `null` on success. */
  readonly step: string | null;
  /** The failed step's id in the model (`unpack`, `fit`); `null` on success. */
  readonly stepId: string | null;
  /** The failure's cause, the console line after `failed: `; `null` on success. */
  readonly cause: string | null;
  /** The console line: the failure's, or `unpacked into /sysroot`. */
  readonly message: string;
  /** `root=tmpfs:` as given and its kind; `null` when the command line was not valid. */
  readonly source: { readonly spec: string; readonly kind: string } | null;
  readonly layers: readonly LayerReport[];
  /** `null` when the tmpfs was not mounted (yet) by tmpfs-root. */
  readonly tmpfs: TmpfsReport | null;
  /** Warnings of the last unpack (extended attributes tar could not set), one line each. */
  readonly warnings: readonly string[];
  /** Seconds since the machine started: when tmpfs-root began, and when it wrote the report. */
  readonly uptime: { readonly start: number | null; readonly end: number };
}

/** A field of the report: its path (`layers[].format`), JSON type, meaning and whether it is reproducible. */
export interface ReportField {
  readonly path: string;
  readonly type: string;
  readonly doc: string;
  /**
   * Whether a simulated boot of the same machine gives the same value (the
   * differential harness compares these); times and df's counts are not.
   */
  readonly deterministic: boolean;
}

/** Every field of the report, in the order the module writes them. */
export const REPORT_FIELDS: readonly ReportField[] = [
  {
    path: "version",
    type: "number",
    doc: `The schema version, ${REPORT_VERSION}.`,
    deterministic: true,
  },
  {
    path: "result",
    type: '"ok" | "failed"',
    doc: "`ok` once tmpfs-root has handed over to switch-root; `failed` when it stopped the boot.",
    deterministic: true,
  },
  {
    path: "step",
    type: "string | null",
    doc: "The failed step, as the console line names it (`tmpfs-root: <step> failed: ...`).",
    deterministic: true,
  },
  {
    path: "stepId",
    type: "string | null",
    doc: "The failed step's id in the boot model (`params`, `fit`, `unpack`, `verify`...).",
    deterministic: true,
  },
  {
    path: "cause",
    type: "string | null",
    doc: "The failure's cause: the console line after `failed: `, as the step set it.",
    deterministic: true,
  },
  {
    path: "message",
    type: "string",
    doc: "The console line: the failure's (control characters removed), or `unpacked into <root>`.",
    deterministic: true,
  },
  {
    path: "source",
    type: "object | null",
    doc: "The source; `null` when the command line was not valid.",
    deterministic: true,
  },
  {
    path: "source.spec",
    type: "string",
    doc: "What `root=tmpfs:` names: `/dev/vda1`, `LABEL=...`, `NFS=...`, a URL.",
    deterministic: true,
  },
  {
    path: "source.kind",
    type: "string",
    doc: "Its kind: `block`, `nfs`, `http`...",
    deterministic: true,
  },
  {
    path: "layers",
    type: "array",
    doc: "Each archive unpacked, in order (the layer that failed is not listed: `cause` names it).",
    deterministic: true,
  },
  {
    path: "layers[].name",
    type: "string",
    doc: "The archive as `rd.tmpfs.imgfile` names it.",
    deterministic: true,
  },
  {
    path: "layers[].from",
    type: "string",
    doc: "Where it came from: its path on the mounted source, or the URL that served it.",
    deterministic: true,
  },
  {
    path: "layers[].format",
    type: "string",
    doc: "Its format by content: `gzip`, `xz`, `zstd`, `bzip2`, `lz4` or `tar`.",
    deterministic: true,
  },
  {
    path: "layers[].bytesRead",
    type: "number | null",
    doc:
      "The archive's bytes as read (compressed): its size on a mounted source, what curl received for a download; no extra copy counts them.",
    deterministic: true,
  },
  {
    path: "layers[].bytesUnpacked",
    type: "number | null",
    doc:
      "How much the tmpfs's used space grew during the layer, in bytes (df's used, whole KiB: what the files cost in RAM, not the sum of their sizes; 0 for a layer that frees more than it adds).",
    deterministic: false,
  },
  {
    path: "layers[].seconds",
    type: "number",
    doc:
      "How long the layer took, from /proc/uptime (hundredths), download tries and pauses included.",
    deterministic: false,
  },
  {
    path: "layers[].bytesPerSecond",
    type: "number | null",
    doc: "`bytesRead / seconds`, whole bytes; `null` when either is 0 or unknown.",
    deterministic: false,
  },
  {
    path: "layers[].sha256",
    type: "string | null",
    doc: "The SHA-256 of the bytes read, when they were hashed on their way; else `null`.",
    deterministic: true,
  },
  {
    path: "layers[].checked",
    type: "boolean",
    doc:
      "Whether a digest was required (`rd.tmpfs.sha256`, or a sidecar with `rd.tmpfs.verify`) and compared; in a report with `result` `ok`, it matched.",
    deterministic: true,
  },
  {
    path: "layers[].tries",
    type: "number",
    doc: "Tries it took: 1 from a mounted source; every try of every URL for a download.",
    deterministic: true,
  },
  {
    path: "tmpfs",
    type: "object | null",
    doc: "The new root's tmpfs; `null` when tmpfs-root had not mounted it (or no longer had).",
    deterministic: true,
  },
  {
    path: "tmpfs.options",
    type: "string",
    doc:
      "The options it was mounted with (`size=...,nr_inodes=...`); a NUMA policy the kernel refused is left out.",
    deterministic: true,
  },
  {
    path: "tmpfs.sizeBytes",
    type: "number | null",
    doc: "Its size in bytes (df's size).",
    deterministic: false,
  },
  {
    path: "tmpfs.usedBytes",
    type: "number | null",
    doc: "What was used in it when the report was written, in bytes (df's used).",
    deterministic: false,
  },
  {
    path: "warnings",
    type: "array of strings",
    doc:
      "The last unpack's warnings (extended attributes tar could not set), as the console gave them.",
    deterministic: true,
  },
  {
    path: "uptime.start",
    type: "number | null",
    doc: "Seconds since the machine started when tmpfs-root began (its first phase).",
    deterministic: false,
  },
  {
    path: "uptime.end",
    type: "number",
    doc: "Seconds since the machine started when the report was written.",
    deterministic: false,
  },
];

/** The top-level keys of the report, in the order the module writes them. */
export const REPORT_KEYS: readonly string[] = [
  ...new Set(REPORT_FIELDS.map((f) => f.path.split(/[.[]/)[0]!)),
];

/**
 * The report without the fields that are not deterministic
 * ({@linkcode REPORT_FIELDS}): what a simulated boot and a real one of the
 * same machine agree on.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { deterministicReport } from "./report.ts";
 * const r = deterministicReport({ uptime: { start: 1, end: 2 }, tmpfs: null, result: "ok" });
 * assert.deepEqual(r, { tmpfs: null, result: "ok" });
 * ```
 */
export function deterministicReport(report: unknown): unknown {
  const drop = new Set(REPORT_FIELDS.filter((f) => !f.deterministic).map((f) => f.path));
  const walk = (value: unknown, path: string): unknown => {
    if (Array.isArray(value)) return value.map((x) => walk(x, `${path}[]`));
    if (value === null || typeof value !== "object") return value;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const p = path === "" ? k : `${path}.${k}`;
      if (drop.has(p)) continue;
      const kept = walk(v, p);
      // An object left empty (uptime) goes too.
      if (kept !== null && typeof kept === "object" && !Array.isArray(kept)) {
        if (Object.keys(kept).length === 0) continue;
      }
      out[k] = kept;
    }
    return out;
  };
  return walk(report, "");
}

/**
 * The length of the valid UTF-8 sequence that starts at `i` (2 to 4), or 0
 * when the byte there does not start one: overlong forms, surrogates, code
 * points past U+10FFFF and cut sequences are not valid.
 */
function utf8Length(bytes: Uint8Array, i: number): number {
  const b0 = bytes[i]!;
  const len = b0 >= 0xc0 && b0 <= 0xdf
    ? 2
    : b0 >= 0xe0 && b0 <= 0xef
    ? 3
    : b0 >= 0xf0 && b0 <= 0xf7
    ? 4
    : 0;
  if (len === 0 || i + len > bytes.length) return 0;
  let cp = b0 & (len === 2 ? 0x1f : len === 3 ? 0x0f : 0x07);
  for (let k = 1; k < len; k++) {
    const b = bytes[i + k]!;
    if (b < 0x80 || b > 0xbf) return 0;
    cp = cp * 64 + (b - 0x80);
  }
  const least = len === 2 ? 0x80 : len === 3 ? 0x800 : 0x10000;
  if (cp < least || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  return len;
}

/** The code point of the valid sequence of `len` bytes at `i`. */
function codePointAt(bytes: Uint8Array, i: number, len: number): number {
  let cp = bytes[i]! & (len === 2 ? 0x1f : len === 3 ? 0x0f : 0x07);
  for (let k = 1; k < len; k++) cp = cp * 64 + (bytes[i + k]! - 0x80);
  return cp;
}

const hex4 = (n: number) => `\\u${n.toString(16).padStart(4, "0")}`;

/**
 * A string of bytes as a JSON string literal, quotes included, as the
 * module's `tmpfs_root_json_string` writes it, in pure ASCII: printable
 * ASCII stays (`"` and `\` escaped with a backslash), control characters
 * and DEL become `\u00XX`, each valid UTF-8 sequence becomes its `\uXXXX`
 * escape (a surrogate pair past U+FFFF), and each byte that does not belong
 * to a valid sequence becomes U+FFFD (`\ufffd`): any file name, URL or tool
 * message gives a string every strict JSON parser accepts.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { jsonString } from "./report.ts";
 * const b = (...x: number[]) => new Uint8Array(x);
 * assert.equal(jsonString(new TextEncoder().encode('a"\\\n')), '"a\\"\\\\\\u000a"');
 * assert.equal(jsonString(b(0xc3, 0xa9, 0xff)), '"\\u00e9\\ufffd"');
 * assert.equal(JSON.parse(jsonString(b(0xf0, 0x9f, 0x98, 0x80))), "\u{1f600}");
 * ```
 */
export function jsonString(bytes: Uint8Array): string {
  let out = '"';
  for (let i = 0; i < bytes.length;) {
    const b = bytes[i]!;
    if (b === 0x22 || b === 0x5c) {
      out += `\\${String.fromCharCode(b)}`;
      i++;
    } else if (b < 0x20 || b === 0x7f) {
      out += hex4(b);
      i++;
    } else if (b < 0x80) {
      out += String.fromCharCode(b);
      i++;
    } else {
      const len = utf8Length(bytes, i);
      if (len === 0) {
        out += "\\ufffd";
        i++;
        continue;
      }
      const cp = codePointAt(bytes, i, len);
      if (cp > 0xffff) {
        const c = cp - 0x10000;
        out += hex4(0xd800 + (c >> 10)) + hex4(0xdc00 + (c & 0x3ff));
      } else out += hex4(cp);
      i += len;
    }
  }
  return `${out}"`;
}

/**
 * What the report's strings hold for text the module took as bytes: the
 * JavaScript string that {@linkcode jsonString}'s output parses to.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { reportText } from "./report.ts";
 * assert.equal(reportText(new Uint8Array([0x61, 0xff])), "a\ufffd");
 * ```
 */
export function reportText(bytes: Uint8Array | string): string {
  const b = typeof bytes === "string" ? new TextEncoder().encode(bytes) : bytes;
  return JSON.parse(jsonString(b));
}

/** A report of a boot from a disk, as an example for the documentation. */
export const REPORT_EXAMPLE: BootReport = {
  version: REPORT_VERSION,
  result: "ok",
  step: null,
  stepId: null,
  cause: null,
  message: "unpacked into /sysroot",
  source: { spec: "LABEL=images", kind: "block" },
  layers: [{
    name: "images/rootfs.tar.zst",
    from: "images/rootfs.tar.zst",
    format: "zstd",
    bytesRead: 81234567,
    bytesUnpacked: 276836352,
    seconds: 2.41,
    bytesPerSecond: 33707289,
    sha256: "9f8e5c0a1b2c3d4e5f60718293a4b5c6d7e8f90123456789abcdef0123456789",
    checked: true,
    tries: 1,
  }],
  tmpfs: {
    options: "size=320m,nr_inodes=12357",
    sizeBytes: 335544320,
    usedBytes: 276836352,
  },
  warnings: [],
  uptime: { start: 3.12, end: 5.87 },
};

/**
 * docs/report.md: the schema (every field of {@linkcode REPORT_FIELDS}),
 * the escaping rule and an example.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { reportDoc } from "./report.ts";
 * assert.match(reportDoc(), /\| `layers\[\]\.sha256` \|/);
 * ```
 */
export function reportDoc(): string {
  const cell = (s: string) => s.replaceAll("|", "\\|");
  const failed: BootReport = {
    ...REPORT_EXAMPLE,
    result: "failed",
    step: "unpack",
    stepId: "unpack",
    cause: "images/rootfs.tar.zst is truncated",
    message: "tmpfs-root: unpack failed: images/rootfs.tar.zst is truncated",
    layers: [],
    tmpfs: { options: "size=320m,nr_inodes=12357", sizeBytes: 335544320, usedBytes: 104857600 },
    uptime: { start: 3.12, end: 4.02 },
  };
  return [
    "# The boot report",
    "",
    "Generated from `packages/model/report.ts` by `deno task build-module`; do not edit.",
    "",
    `tmpfs-root writes \`${REPORT_PATH}\` on every boot it handles: after the hand-over to`,
    "switch-root when the boot goes on, and when it stops the boot, next to the console line",
    "`tmpfs-root: <step> failed: <cause>` (before it undoes its mounts and applies",
    "`rd.tmpfs.onfail`). dracut carries /run over into the new root in both flavours, so the",
    "booted system reads it there (except in an image with dracut's busybox module, whose",
    "switch_root moves no mount: see [images.md](images.md)); after a failure it is in the",
    "initramfs's /run (the emergency shell can print it). The module writes it with POSIX shell alone (no jq) into a temporary",
    "file, then renames it: a reader never sees half a report. The older key=value",
    "`/run/tmpfs-root/report` is still written beside it.",
    "",
    "The file is one line of JSON in pure ASCII.",
    "",
    "## Fields",
    "",
    "Fields marked *reproducible* are the same in a simulated boot of the same machine; the",
    "differential harness compares them between the simulator and the emitted shell.",
    "",
    "| field | type | meaning | reproducible |",
    "| --- | --- | --- | --- |",
    ...REPORT_FIELDS.map((f) =>
      `| \`${f.path}\` | ${cell(f.type)} | ${cell(f.doc)} | ${f.deterministic ? "yes" : "no"} |`
    ),
    "",
    "Layers: `layers` has one entry for each archive of `rd.tmpfs.imgfile` unpacked, in",
    "order (one for a single archive; with layers, see docs/layers.md, each adds its own,",
    "`bytesUnpacked` being what the tmpfs grew by while the layer was unpacked, before it",
    "was laid over the ones below). A failure in the middle of a layer leaves that layer",
    "out (`step` and `cause` name it).",
    "",
    "Sizes: `bytesRead` is the archive's size on a mounted source (the unpack reads the whole",
    "file: what follows tar's end-of-archive blocks too) and the bytes curl received for a",
    "download (its `%{size_download}`): no extra copy of the stream counts them.",
    "`bytesUnpacked`, `sizeBytes` and `usedBytes` are df's, in whole KiB: a tmpfs holds whole",
    "pages, so they say what the root costs in RAM. Times come from /proc/uptime (hundredths",
    "of a second).",
    "",
    "## Strings",
    "",
    "File names, URLs and tool messages are bytes, and may be anything: every string is",
    "escaped so that any strict JSON parser reads the file, and the file is pure ASCII:",
    "",
    '- printable ASCII stays as it is, but `"` and `\\` (`\\"`, `\\\\`);',
    "- control characters (0x01 to 0x1f) and DEL (0x7f) are `\\u00XX`;",
    "- each valid UTF-8 sequence is its `\\uXXXX` escape, a surrogate pair past U+FFFF",
    "  (`é` is `\\u00e9`, `😀` is `\\ud83d\\ude00`);",
    "- each byte that is not part of a valid UTF-8 sequence (a Latin-1 file name, a cut",
    "  sequence, an overlong form, a surrogate) is U+FFFD, `\\ufffd`, one for each byte.",
    "",
    "Text that is valid UTF-8 reads back unchanged; other bytes are replaced, never passed",
    "through. The module's `tmpfs_root_json_string` and the model's `jsonString` apply the",
    "same rule and are tested against each other, and against `JSON.parse`, on fuzzed bytes",
    "under dash and busybox ash.",
    "",
    "## Examples",
    "",
    "A boot from a disk (`root=tmpfs:LABEL=images rd.tmpfs.imgfile=images/rootfs.tar.zst",
    "rd.tmpfs.verify=sidecar`), shown over several lines:",
    "",
    "```json",
    JSON.stringify(REPORT_EXAMPLE, null, 2),
    "```",
    "",
    "The same boot, stopped by a truncated archive:",
    "",
    "```json",
    JSON.stringify(failed, null, 2),
    "```",
    "",
    "Reading it in the booted system, with jq or anything that reads JSON:",
    "",
    "```sh",
    `jq -r '.result, (.layers[] | "\\(.name) \\(.format) \\(.bytesRead) bytes in \\(.seconds) s")' ${REPORT_PATH}`,
    "```",
    "",
  ].join("\n");
}
