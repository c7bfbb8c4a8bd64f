import { packTar, type TarEntry } from "modern-tar";
import type { ArchiveFormat } from "./archive.ts";
import { compress } from "./_codec.ts";

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
 * import { makeArchive } from "./make_archive.ts";
 * const tgz = await makeArchive({
 *   "etc/os-release": "ID=demo\n",
 *   "bin/sh": { type: "symlink", target: "busybox" },
 * }, "gzip");
 * tgz[0] === 0x1f && tgz[1] === 0x8b; // true
 * ```
 */
export async function makeArchive(
  entries: Readonly<Record<string, EntrySpec>>,
  format: ArchiveFormat = "plain",
): Promise<Uint8Array> {
  const tar: TarEntry[] = [];
  const seen = new Set<string>();
  for (const [raw, spec] of Object.entries(entries)) {
    const name = raw.replace(/^\/+|\/+$/g, "");
    const parts = name.split("/");
    for (let i = 1; i < parts.length; i++) {
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
  return compress(format, await packTar(fixed));
}

function assertNever(x: never): never {
  throw new TypeError(`Unexpected entry ${JSON.stringify(x)}`);
}
