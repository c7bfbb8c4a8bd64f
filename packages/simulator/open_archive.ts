import { unpackTar } from "modern-tar";
import { quoteToolLine } from "@tmpfs-root/model";
import type { ArchiveResult, Member, RootEntry } from "./archive.ts";
import { decompress } from "./_codec.ts";
import { detectFormat } from "./detect_format.ts";
import { tarStreamEnd, tarWrittenBytes } from "./tar_stream_end.ts";

const PAGE = 4096;
const XATTR = "SCHILY.xattr.";
const cache = new WeakMap<Uint8Array, Promise<ArchiveResult>>();

/** The path of an entry inside the new root: `./etc/` becomes `/etc`. */
function rootPath(name: string): string | null {
  const parts = name.split("/").filter((p) => p !== "" && p !== ".");
  return parts.length === 0 ? null : `/${parts.join("/")}`;
}

async function open(bytes: Uint8Array): Promise<ArchiveResult> {
  const format = detectFormat(bytes);
  if (format === null) return { kind: "unknown" };
  const raw = await decompress(format, bytes);
  if (raw.kind !== "ok") return { kind: raw.kind, format, written: tarWrittenBytes(raw.partial) };
  let entries;
  try {
    entries = await unpackTar(raw.bytes, { strict: true });
  } catch (error) {
    const kind = /truncated/i.test(String(error)) ? "truncated" : "corrupt";
    return { kind, format, written: tarWrittenBytes(raw.bytes) };
  }
  const files = new Map<string, RootEntry>();
  const members: Member[] = [];
  let tarError: string | null = null;
  let size = 0;
  for (const { header, data } of entries) {
    const type = header.type ?? "file";
    const xattrs: Record<string, string> = {};
    for (const [key, value] of Object.entries(header.pax ?? {})) {
      if (key.startsWith(XATTR)) xattrs[key.slice(XATTR.length)] = value;
    }
    members.push({ name: header.name, type, xattrs: Object.entries(xattrs) });
    // GNU tar skips a member whose name has a .. component, and exits 2 at the end.
    if (header.name.split("/").includes("..")) {
      tarError ??= quoteToolLine(`tar: ${header.name}: Member name contains '..'`);
      continue;
    }
    const path = rootPath(header.name);
    if (path === null) continue;
    const entry: RootEntry = {
      type,
      mode: header.mode ?? 0,
      uid: header.uid ?? 0,
      gid: header.gid ?? 0,
      size: header.size,
      ...(header.linkname ? { linkname: header.linkname } : {}),
      ...(data && type === "file" ? { data } : {}),
      ...(Object.keys(xattrs).length > 0 ? { xattrs } : {}),
    };
    if (type === "file") size += Math.ceil(header.size / PAGE) * PAGE;
    files.set(path, entry);
  }
  return {
    kind: "ok",
    format,
    files,
    size,
    members,
    tarError,
    ended: tarStreamEnd(raw.bytes) === "end",
  };
}

/**
 * Opens an archive: detects its format by content, decompresses it and
 * reads its tar entries (with modern-tar, strict about header checksums).
 * Results are cached by the identity of `bytes`, so a virtual machine's
 * archive is read once however many boots use it; treat `bytes` as
 * immutable.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { openArchive } from "./open_archive.ts";
 * import { makeArchive } from "./make_archive.ts";
 * const bytes = await makeArchive({ "etc/os-release": "ID=demo\n" }, "gzip");
 * const r = await openArchive(bytes);
 * assert.equal(r.kind, "ok");
 * assert.ok(r.kind === "ok" && r.files.has("/etc/os-release"));
 * assert.equal((await openArchive(bytes.subarray(0, 40))).kind, "truncated");
 * ```
 */
export function openArchive(bytes: Uint8Array): Promise<ArchiveResult> {
  let result = cache.get(bytes);
  if (result === undefined) {
    result = open(bytes);
    cache.set(bytes, result);
  }
  return result;
}
