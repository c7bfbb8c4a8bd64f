import { type Format, FORMATS, SOURCES } from "@tmpfs-root/model";
import { ARCHIVE_FORMATS, type ArchiveFormat } from "./archive.ts";
import { type EntrySpec, makeArchive } from "./make_archive.ts";
import type {
  BlockDevice,
  FileTree,
  Flavour,
  LogicalVolume,
  NfsExport,
  Vm,
  VolumeCommon,
  WebFailure,
  WebResource,
} from "./vm.ts";

type Json = Record<string, unknown>;

const UNITS: Readonly<Record<string, number>> = { k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

function fail(where: string, expected: string): never {
  throw new TypeError(`Invalid VM description at ${where}: expected ${expected}`);
}

function object(value: unknown, where: string): Json {
  if (typeof value !== "object" || value === null || Array.isArray(value)) fail(where, "an object");
  return value as Json;
}

function list(value: unknown, where: string): unknown[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) fail(where, "an array");
  return value;
}

function str(value: unknown, where: string): string {
  if (typeof value !== "string") fail(where, "a string");
  return value;
}

function optStr(o: Json, key: string, where: string): { [k: string]: string } {
  return o[key] === undefined ? {} : { [key]: str(o[key], `${where}.${key}`) };
}

function int(value: unknown, where: string): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
    fail(where, "a whole number");
  }
  return value;
}

function ram(value: unknown): number {
  if (value === undefined) return 4 * 1024 ** 3;
  if (typeof value === "number") return int(value, "ram");
  const m = /^([0-9]+)([kKmMgG]?)$/.exec(str(value, "ram"));
  if (!m) fail("ram", 'bytes with an optional k, m or g (e.g. "4G")');
  return Number(m[1]) * (m[2] ? UNITS[m[2].toLowerCase()]! : 1);
}

function entry(value: unknown, where: string): EntrySpec {
  if (typeof value === "string") return value;
  const o = object(value, where);
  switch (o.type) {
    case "directory":
      return {
        type: "directory",
        ...(o.mode === undefined ? {} : { mode: int(o.mode, `${where}.mode`) }),
      };
    case "symlink":
      return { type: "symlink", target: str(o.target, `${where}.target`) };
    case undefined:
    case "file": {
      const xattrs: Record<string, string> = {};
      for (const [k, v] of Object.entries(object(o.xattrs ?? {}, `${where}.xattrs`))) {
        xattrs[k] = str(v, `${where}.xattrs.${k}`);
      }
      return {
        data: o.base64 !== undefined
          ? base64(o.base64, `${where}.base64`)
          : str(o.data, `${where}.data`),
        mode: o.mode === undefined ? 0o644 : int(o.mode, `${where}.mode`),
        uid: o.uid === undefined ? 0 : int(o.uid, `${where}.uid`),
        gid: o.gid === undefined ? 0 : int(o.gid, `${where}.gid`),
        xattrs,
      };
    }
    default:
      return fail(`${where}.type`, '"file", "directory" or "symlink"');
  }
}

function base64(value: unknown, where: string): Uint8Array {
  try {
    return Uint8Array.from(atob(str(value, where)), (c) => c.charCodeAt(0));
  } catch {
    return fail(where, "base64 text");
  }
}

async function archive(value: unknown, where: string): Promise<Uint8Array> {
  const o = object(value, where);
  const format = (o.format ?? "gzip") as ArchiveFormat;
  if (!ARCHIVE_FORMATS.includes(format)) fail(`${where}.format`, ARCHIVE_FORMATS.join(", "));
  const entries: Record<string, EntrySpec> = {};
  for (const [name, spec] of Object.entries(object(o.entries ?? {}, `${where}.entries`))) {
    entries[name] = entry(spec, `${where}.entries.${name}`);
  }
  let bytes = await makeArchive(entries, format);
  if (o.truncate !== undefined) bytes = bytes.slice(0, int(o.truncate, `${where}.truncate`));
  if (o.corrupt === true) {
    bytes = bytes.slice();
    // A plain tar's first header name (its checksum then fails); else the compressed stream's middle.
    const at = format === "plain" ? 0 : Math.floor(bytes.length / 2);
    for (let i = at; i < Math.min(at + 16, bytes.length); i++) bytes[i]! ^= 0xa5;
  }
  return bytes;
}

async function file(value: unknown, where: string, baseDir: string | null): Promise<Uint8Array> {
  if (typeof value === "string") return new TextEncoder().encode(value);
  const o = object(value, where);
  if (o.text !== undefined) return new TextEncoder().encode(str(o.text, `${where}.text`));
  if (o.base64 !== undefined) return base64(o.base64, `${where}.base64`);
  if (o.archive !== undefined) return await archive(o.archive, `${where}.archive`);
  if (o.path !== undefined) {
    const path = str(o.path, `${where}.path`);
    if (baseDir === null && !path.startsWith("/")) fail(`${where}.path`, "an absolute path");
    return await Deno.readFile(path.startsWith("/") ? path : `${baseDir}/${path}`);
  }
  return fail(where, "a string, or an object with text, base64, archive or path");
}

async function files(value: unknown, where: string, baseDir: string | null): Promise<FileTree> {
  const tree: Record<string, Uint8Array> = {};
  for (const [name, f] of Object.entries(object(value ?? {}, where))) {
    tree[name.replace(/^\/+/, "")] = await file(f, `${where}.${name}`, baseDir);
  }
  return tree;
}

async function volume(o: Json, where: string, baseDir: string | null): Promise<VolumeCommon> {
  const fs = o.fs === undefined ? {} : { fs: o.fs === null ? null : str(o.fs, `${where}.fs`) };
  const at = o.appearsAt === undefined ? {} : {
    appearsAt: o.appearsAt === null || o.appearsAt === "never"
      ? null
      : int(o.appearsAt, `${where}.appearsAt`),
  };
  return {
    ...optStr(o, "label", where),
    ...optStr(o, "uuid", where),
    ...fs,
    ...at,
    files: await files(o.files, `${where}.files`, baseDir),
  };
}

/**
 * Builds a {@linkcode Vm} from a small JSON description, for
 * `tmpfs-root simulate --vm vm.json`. Every field is optional: `flavour`
 * (`classic`), `ram` (bytes or `"4G"`), `disks`, `lvm`, `nfs`, `web`,
 * `keys` (the initramfs's public keys, by file name, each a file),
 * `sources` (the source kinds the initramfs boots, e.g. `["block"]` for an
 * image built without network), `decompressors` (the compressed formats it
 * can unpack). A
 * file is a string, `{ text }`, `{ base64 }`, `{ path }` (relative to
 * `baseDir`), or `{ archive: { format, entries, truncate?, corrupt? } }`,
 * which packs a real tar archive. `appearsAt: null` (or `"never"`) is a
 * device that never appears.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { vmFromJson } from "./vm_from_json.ts";
 * const vm = await vmFromJson({
 *   flavour: "systemd",
 *   ram: "2G",
 *   disks: [{ path: "/dev/vda1", label: "images", appearsAt: 3, files: {
 *     "rootfs.tar.zst": { archive: { format: "zstd", entries: { "etc/os-release": "ID=demo\n" } } },
 *   } }],
 *   nfs: [{ server: "10.0.2.2", export: "/srv", up: false }],
 * });
 * assert.equal(vm.ram, 2147483648);
 * assert.equal(vm.disks[0]!.appearsAt, 3);
 * assert.equal(vm.nfs[0]!.up, false);
 * ```
 */
export async function vmFromJson(json: unknown, baseDir: string | null = null): Promise<Vm> {
  const o = object(json, "the top level");
  const flavour = (o.flavour ?? "classic") as Flavour;
  if (flavour !== "classic" && flavour !== "systemd") fail("flavour", '"classic" or "systemd"');
  const disks: BlockDevice[] = [];
  for (const [i, d] of list(o.disks, "disks").entries()) {
    const where = `disks[${i}]`;
    const x = object(d, where);
    disks.push({
      path: str(x.path, `${where}.path`),
      ...optStr(x, "partlabel", where),
      ...optStr(x, "partuuid", where),
      ...await volume(x, where, baseDir),
    });
  }
  const lvm: LogicalVolume[] = [];
  for (const [i, d] of list(o.lvm, "lvm").entries()) {
    const where = `lvm[${i}]`;
    const x = object(d, where);
    lvm.push({
      vg: str(x.vg, `${where}.vg`),
      lv: str(x.lv, `${where}.lv`),
      ...await volume(x, where, baseDir),
    });
  }
  const nfs: NfsExport[] = [];
  for (const [i, d] of list(o.nfs, "nfs").entries()) {
    const where = `nfs[${i}]`;
    const x = object(d, where);
    nfs.push({
      server: str(x.server, `${where}.server`),
      export: str(x.export, `${where}.export`),
      up: x.up === undefined ? true : x.up === true,
      versions: x.versions === undefined
        ? [3, 4]
        : list(x.versions, `${where}.versions`).map((v, k) => int(v, `${where}.versions[${k}]`)),
      files: await files(x.files, `${where}.files`, baseDir),
    });
  }
  const web: WebResource[] = [];
  for (const [i, d] of list(o.web, "web").entries()) {
    const where = `web[${i}]`;
    const x = object(d, where);
    const failWith = x.failWith === undefined ? "refused" : x.failWith;
    if (failWith !== "refused" && failWith !== "drop" && typeof failWith !== "number") {
      fail(`${where}.failWith`, '"refused", "drop" or an HTTP status');
    }
    web.push({
      url: str(x.url, `${where}.url`),
      body: await file(x.body ?? "", `${where}.body`, baseDir),
      status: x.status === undefined ? 200 : int(x.status, `${where}.status`),
      dropAfter: x.dropAfter === undefined || x.dropAfter === null
        ? null
        : int(x.dropAfter, `${where}.dropAfter`),
      failFirst: x.failFirst === undefined ? 0 : int(x.failFirst, `${where}.failFirst`),
      failWith: failWith as WebFailure,
    });
  }
  const keys = o.keys === undefined ? {} : { keys: await files(o.keys, "keys", baseDir) };
  for (const name of Object.keys(keys.keys ?? {})) {
    // As module-setup.sh installs them: a name the boot's glob sees.
    if (!/^[A-Za-z0-9_-][A-Za-z0-9._-]*$/.test(name)) {
      fail(`keys.${name}`, "a file name of letters, digits and ._- that does not start with a dot");
    }
  }
  const words = (x: unknown, where: string, allowed: readonly string[]): string[] => {
    if (!Array.isArray(x) || x.some((w) => typeof w !== "string" || !allowed.includes(w))) {
      fail(where, `a list of some of ${allowed.join(", ")}`);
    }
    return x as string[];
  };
  const image = {
    ...(o.sources === undefined
      ? {}
      : { sources: words(o.sources, "sources", SOURCES.map((k) => k.kind)) }),
    ...(o.decompressors === undefined ? {} : {
      decompressors: words(
        o.decompressors,
        "decompressors",
        FORMATS.filter((f) => f !== "tar"),
      ) as Exclude<
        Format,
        "tar"
      >[],
    }),
  };
  return { flavour, ram: ram(o.ram), disks, lvm, nfs, web, ...keys, ...image };
}
