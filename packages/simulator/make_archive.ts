import { packTar, type TarEntry } from "modern-tar";
import type { ArchiveFormat } from "./archive.ts";
import { compress } from "./_codec.ts";
import { tarEndOffset } from "./tar_stream_end.ts";

/** One entry to pack: a file's content, or a described file, directory or symlink. */
export type EntrySpec =
  | string
  | Uint8Array
  | {
    readonly type?: "file";
    readonly data: string | Uint8Array;
    readonly mode?: number;
    readonly uid?: number;
    readonly gid?: number;
    /** Extended attributes, e.g. `{ "security.selinux": "system_u:object_r:etc_t:s0" }`. */
    readonly xattrs?: Readonly<Record<string, string>>;
  }
  | {
    readonly type: "directory";
    readonly mode?: number;
    readonly uid?: number;
    readonly gid?: number;
  }
  | { readonly type: "symlink"; readonly target: string };

const encoder = new TextEncoder();

/**
 * Every entry's modification time: fixed, so that the same entries always
 * pack into the same bytes (a damaged archive is damaged the same way in
 * every run, and a scenario is the same for the same seed).
 */
const MTIME = new Date(1_700_000_000_000);

function header(name: string, spec: EntrySpec): TarEntry {
  if (typeof spec === "string" || spec instanceof Uint8Array) {
    const body = typeof spec === "string" ? encoder.encode(spec) : spec;
    return { header: { name, size: body.length, mode: 0o644, uid: 0, gid: 0 }, body };
  }
  switch (spec.type) {
    case undefined:
    case "file": {
      const body = typeof spec.data === "string" ? encoder.encode(spec.data) : spec.data;
      const pax = Object.fromEntries(
        Object.entries(spec.xattrs ?? {}).map(([k, v]) => [`SCHILY.xattr.${k}`, v]),
      );
      return {
        header: {
          name,
          size: body.length,
          mode: spec.mode ?? 0o644,
          uid: spec.uid ?? 0,
          gid: spec.gid ?? 0,
          ...(Object.keys(pax).length > 0 ? { pax } : {}),
        },
        body,
      };
    }
    case "directory":
      return {
        header: {
          name: `${name}/`,
          type: "directory",
          size: 0,
          mode: spec.mode ?? 0o755,
          uid: spec.uid ?? 0,
          gid: spec.gid ?? 0,
        },
      };
    case "symlink":
      return {
        header: {
          name,
          type: "symlink",
          size: 0,
          linkname: spec.target,
          mode: 0o777,
        },
      };
    default:
      return assertNever(spec);
  }
}

/**
 * Packs a real tar archive (with modern-tar) and compresses it in `format`
 * (gzip and zstd with node:zlib; xz, bzip2 and lz4 with the host's tools).
 * Parent directories that are not listed are added before their first
 * entry, as `tar -C dir .` would list them.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { makeArchive } from "./make_archive.ts";
 * const tgz = await makeArchive({
 *   "etc/os-release": "ID=demo\n",
 *   "bin/sh": { type: "symlink", target: "busybox" },
 * }, "gzip");
 * assert.deepEqual([tgz[0], tgz[1]], [0x1f, 0x8b]);
 * ```
 */
export async function makeArchive(
  entries: Readonly<Record<string, EntrySpec>>,
  format: ArchiveFormat = "plain",
  options: MakeArchiveOptions = {},
): Promise<Uint8Array> {
  const tar: TarEntry[] = [];
  const seen = new Set<string>();
  for (const [raw, spec] of Object.entries(entries)) {
    const name = options.parents === false ? raw : raw.replace(/^\/+|\/+$/g, "");
    const parts = name.split("/");
    for (let i = 1; i < parts.length && options.parents !== false; i++) {
      const dir = parts.slice(0, i).join("/");
      if (!seen.has(dir) && !(dir in entries)) {
        seen.add(dir);
        tar.push(header(dir, { type: "directory" }));
      }
    }
    seen.add(name);
    tar.push(header(name, spec));
  }
  const fixed = tar.map((e) => ({ ...e, header: { ...e.header, mtime: MTIME } }));
  let stream = await packTar(fixed);
  if (options.ending === "cut") stream = stream.subarray(0, tarEndOffset(stream) ?? stream.length);
  const packed = await compress(format, stream);
  if (options.trailing === undefined) return packed;
  const out = new Uint8Array(packed.length + options.trailing.length);
  out.set(packed);
  out.set(options.trailing, packed.length);
  return out;
}

/** How {@linkcode makeArchive} deviates from a well-formed archive, for tests of damaged ones. */
export interface MakeArchiveOptions {
  /** `"cut"`: the tar stream stops at the last member boundary, without its end-of-archive blocks. */
  readonly ending?: "end" | "cut";
  /** Bytes appended after the compressed stream (gzip warns of trailing garbage). */
  readonly trailing?: Uint8Array;
  /** `false`: names as written (`../x` stays), and no parent directories added. */
  readonly parents?: boolean;
}

function assertNever(x: never): never {
  throw new TypeError(`Unexpected entry ${JSON.stringify(x)}`);
}

/**
 * One tar header (512 bytes, no data) for a regular file whose size field
 * says `size` bytes, in base-256 as GNU tar writes sizes of 8 GiB and
 * more: what a server that means to send a member for ever begins with.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { tarHeaderClaiming } from "./make_archive.ts";
 * const h = await tarHeaderClaiming("huge.bin", 2 ** 40);
 * assert.deepEqual([h.length, h[124], h[130]], [512, 0x80, 0x01]);
 * ```
 */
export async function tarHeaderClaiming(name: string, size: number): Promise<Uint8Array> {
  const header = (await makeArchive({ [name]: "" })).slice(0, 512);
  header.fill(0, 124, 136);
  header[124] = 0x80;
  for (let i = 135, n = size; i > 124 && n > 0; i--, n = Math.floor(n / 256)) header[i] = n % 256;
  header.fill(0x20, 148, 156);
  const sum = header.reduce((a, b) => a + b, 0);
  header.set(new TextEncoder().encode(`${sum.toString(8).padStart(6, "0")}\0 `), 148);
  return header;
}
