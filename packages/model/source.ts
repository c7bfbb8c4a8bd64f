/**
 * Sources: where the archive lives, parsed from `root=tmpfs:<source>`.
 *
 * @module
 */
import { type SourceForm, type SourceKindSpec, SOURCES } from "./source_kinds.ts";

/** A block device: a path under /dev, or a udev link for LABEL=, UUID=, PARTLABEL=, PARTUUID=. */
export interface BlockSource {
  readonly kind: "block";
  /** The text after `tmpfs:` as written. */
  readonly spec: string;
  /** The device path to wait for and mount. */
  readonly device: string;
}

/** An NFS export (dracut's `nfs:<server>:<export>[,options]` syntax). */
export interface NfsSource {
  readonly kind: "nfs";
  readonly spec: string;
  readonly fstype: "nfs" | "nfs4";
  readonly server: string;
  readonly export: string;
  /** The options handed to mount: the user's, `nolock` for NFSv3 unless locking was chosen, then `ro`. */
  readonly options: string;
}

/** A web server: the archive's URL, or a base URL ending with `/`. */
export interface HttpSource {
  readonly kind: "http";
  readonly spec: string;
  readonly url: string;
}

/**
 * The archive's URL on a web server: the source's URL, with
 * `rd.tmpfs.imgfile` appended when it ends with `/`.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { archiveUrl } from "./source.ts";
 * assert.equal(archiveUrl("http://h/i/", "rootfs.tgz"), "http://h/i/rootfs.tgz");
 * assert.equal(archiveUrl("http://h/a.tgz", "rootfs.tgz"), "http://h/a.tgz");
 * ```
 */
export function archiveUrl(url: string, file: string): string {
  return url.endsWith("/") ? `${url}${file}` : url;
}

/**
 * A source of a kind added to a table of source kinds beside the shipped
 * ones (see `sourceKindSpec`): extension kinds are named `x-<name>`, and
 * their one field is `device`, what their mount function mounts.
 */
export interface OtherSource {
  readonly kind: `x-${string}`;
  readonly spec: string;
  readonly device: string;
}

/** Any source. */
export type Source = BlockSource | NfsSource | HttpSource | OtherSource;

/** The kinds of source. */
export type SourceKind = Source["kind"];

const ALLOWED = /^[0-9A-Za-z#+\-.:=@_]$/;

function utf8Length(bytes: Uint8Array, i: number): number {
  const b0 = bytes[i]!;
  let len: number;
  let cp: number;
  if (b0 < 0x80) return 1;
  if ((b0 & 0xe0) === 0xc0) [len, cp] = [2, b0 & 0x1f];
  else if ((b0 & 0xf0) === 0xe0) [len, cp] = [3, b0 & 0x0f];
  else if ((b0 & 0xf8) === 0xf0) [len, cp] = [4, b0 & 0x07];
  else return 0;
  if (i + len > bytes.length) return 0;
  for (let k = 1; k < len; k++) {
    const b = bytes[i + k]!;
    if ((b & 0xc0) !== 0x80) return 0;
    cp = cp * 64 + (b & 0x3f);
  }
  const encodedLen = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  if (encodedLen !== len) return 0;
  if (cp > 0x10ffff) return 0;
  if (cp >= 0xd800 && cp <= 0xdfff) return 0;
  if (cp > 0xfdcf && cp < 0xfdf0) return 0;
  if ((cp & 0xffff) === 0xffff) return 0;
  return len;
}

const HEX_DIGIT = /^[0-9A-Fa-f]$/;

/** The label's bytes with udev-style `\xNN` escapes turned back into bytes. */
function unescape(label: string): Uint8Array {
  const raw = new TextEncoder().encode(label);
  const out: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    const [a, b, c] = [raw[i + 1], raw[i + 2], raw[i + 3]];
    const hex = (x: number | undefined) =>
      x !== undefined && HEX_DIGIT.test(String.fromCharCode(x));
    if (raw[i] === 0x5c && a === 0x78 && hex(b) && hex(c)) {
      out.push(parseInt(String.fromCharCode(b!, c!), 16));
      i += 3;
    } else out.push(raw[i]!);
  }
  return new Uint8Array(out);
}

/**
 * Escapes a label the way udev names its /dev/disk/by-label and
 * by-partlabel links (libblkid's `blkid_encode_string`): valid UTF-8
 * sequences of two bytes or more, ASCII letters, digits and `#+-.:=@_` stay;
 * every other byte becomes `\xNN`. A label may also be written already
 * escaped, as dracut accepts it: `\xNN` stands for the byte NN.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { udevEncode } from "./source.ts";
 * assert.equal(udevEncode("my disk/1"), "my\\x20disk\\x2f1");
 * assert.equal(udevEncode("my\\x20disk\\x2f1"), "my\\x20disk\\x2f1");
 * ```
 */
export function udevEncode(label: string): string {
  const bytes = unescape(label);
  const out: number[] = [];
  for (let i = 0; i < bytes.length;) {
    const len = utf8Length(bytes, i);
    if (len > 1) {
      out.push(...bytes.subarray(i, i + len));
      i += len;
      continue;
    }
    const c = String.fromCharCode(bytes[i]!);
    if (ALLOWED.test(c)) out.push(bytes[i]!);
    else out.push(...new TextEncoder().encode(`\\x${bytes[i]!.toString(16).padStart(2, "0")}`));
    i++;
  }
  return new TextDecoder().decode(new Uint8Array(out));
}

const CANONICAL_UUID =
  /^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$/;

function lower(s: string): string {
  return s.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

/** The udev link for `UUID=`: canonical UUIDs are lower-cased (blkid prints them so); FAT and NTFS serials stay as written. */
export function uuidDevice(uuid: string): string {
  return `/dev/disk/by-uuid/${udevEncode(CANONICAL_UUID.test(uuid) ? lower(uuid) : uuid)}`;
}

const NFS_SERVER = /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])$/;
const NFS_OPTION = /^[A-Za-z0-9_.=-]+$/;
const URL_TEXT = /^[A-Za-z0-9._~:\/?#@!$&'()*+,;=%-]+$/;
const HAS_LOCK = /^(?:no)?lock$/;

/**
 * Parses the text after `root=tmpfs:` with the forms of a table of source
 * kinds (default: the shipped ones): the first form whose prefix matches
 * decides. Returns `null` when it is not a source tmpfs-root understands;
 * the caller names the parameter.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { parseSource } from "./source.ts";
 * assert.deepEqual(parseSource("LABEL=my disk"), {
 *   kind: "block",
 *   spec: "LABEL=my disk",
 *   device: "/dev/disk/by-label/my\\x20disk",
 * });
 * assert.equal(parseSource("/dev/../etc/shadow"), null);
 * ```
 */
export function parseSource(
  spec: string,
  table: readonly SourceKindSpec[] = SOURCES,
): Source | null {
  // deno-lint-ignore no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(spec)) return null;
  for (const k of table) {
    for (const form of k.forms) {
      if (!spec.startsWith(form.prefix)) continue;
      return parseForm(k.kind, form, spec, spec.slice(form.prefix.length));
    }
  }
  return null;
}

/** A source from one form's rule, or `null` when the text breaks it. */
function parseForm(kind: SourceKind, form: SourceForm, spec: string, rest: string): Source | null {
  // The kind comes from the table: the rule gives the fields.
  const as = <T extends Source>(source: Omit<T, "kind">): Source =>
    ({ kind, ...source }) as unknown as Source;
  switch (form.rule) {
    case "devpath":
      // A /dev path that climbs with .. is no device name.
      if (rest === "" || spec.split("/").includes("..")) return null;
      return as<BlockSource>({ spec, device: spec });
    case "udev": {
      if (rest === "") return null;
      const value = form.normalise === "lower"
        ? lower(rest)
        : form.normalise === "uuid" && CANONICAL_UUID.test(rest)
        ? lower(rest)
        : rest;
      return as<BlockSource>({ spec, device: `${form.link}${udevEncode(value)}` });
    }
    case "nfs": {
      const nfs = parseNfs(spec, rest);
      return nfs === null ? null : { ...nfs, kind } as Source;
    }
    case "url":
      return rest !== "" && URL_TEXT.test(spec) ? as<HttpSource>({ spec, url: spec }) : null;
    case "word":
      return rest !== "" && new RegExp(`^[${form.chars}]+$`).test(rest)
        ? as<OtherSource>({ spec, device: rest })
        : null;
    default:
      return assertNever(form);
  }
}

function assertNever(x: never): never {
  throw new TypeError(`Unexpected source form ${JSON.stringify(x)}`);
}

function parseNfs(spec: string, text: string): NfsSource | null {
  const m = /^(nfs4?):(\[[^\]]*\]|[^:\[\]]*):(\/[^,]*)(?:,(.*))?$/.exec(text);
  if (!m) return null;
  const [, fstype, server, path, opts] = m;
  if (!NFS_SERVER.test(server!) || !/^\/[^,]*$/.test(path!)) return null;
  const options = opts === undefined ? [] : opts.split(",");
  if (!options.every((o) => NFS_OPTION.test(o))) return null;
  const lock = fstype === "nfs" && !options.some((o) => HAS_LOCK.test(o)) ? ["nolock"] : [];
  return {
    kind: "nfs",
    spec,
    fstype: fstype as "nfs" | "nfs4",
    server: server!,
    export: path!,
    options: [...options, ...lock, "ro"].join(","),
  };
}
