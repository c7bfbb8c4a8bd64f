/**
 * Raw disk images for the guest, made without loop devices or mounts:
 * `truncate`, `sfdisk` and `mkfs.ext4 -E offset=N -d DIR`.
 *
 * @module
 */
import $ from "dax";
import { sha256Hex } from "./_hash.ts";
import { CACHE_DIR, exists } from "./_paths.ts";

/** The partition table: `none` puts the file system on the whole disk. */
export type PartitionTable = "mbr" | "gpt" | "none";

/** A disk with one ext4 file system. */
export interface DiskSpec {
  /** A readable name for the image file (letters, digits, `-`, `_`, `.`). */
  readonly name: string;
  /** Partition table (default `mbr`). */
  readonly table?: PartitionTable;
  /** GPT partition name (PARTLABEL); any characters but NUL and newline. */
  readonly partLabel?: string;
  /** GPT partition UUID (PARTUUID). */
  readonly partUuid?: string;
  /** MBR disk identifier, e.g. `0x12345678` (the MBR PARTUUID is `12345678-01`). */
  readonly diskId?: string;
  /** ext4 label (at most 16 bytes). */
  readonly fsLabel?: string;
  /** ext4 UUID. */
  readonly fsUuid?: string;
  /** Disk size in MiB; by default the files' size plus 24 MiB, rounded up. */
  readonly sizeMiB?: number;
  /** Files in the file system: path in the file system -> host file to copy. */
  readonly files: Readonly<Record<string, string>>;
}

/** Start of the first partition, in 512-byte sectors (1 MiB). */
const START_SECTOR = 2048;
/** Linux filesystem partition types. */
const GPT_LINUX = "0FC63DAF-8483-4772-8E79-3D69D8477DE4";

const DISK_DIR = `${CACHE_DIR}/disks`;

/** Bump to rebuild every cached disk after a change to how they are built. */
const BUILD_VERSION = "1";

/** Checks a label and returns it. */
function checkText(what: string, s: string): string {
  if (/[\0\n]/.test(s)) {
    throw new RangeError(`Invalid ${what} ${JSON.stringify(s)}: NUL and newline are not allowed`);
  }
  return s;
}

/** The cache key of a spec: its fields plus each host file's size and mtime. */
async function specKey(spec: unknown, files: Readonly<Record<string, string>>): Promise<string> {
  const stats: Record<string, string> = {};
  for (const [path, host] of Object.entries(files)) {
    const st = await Deno.stat(host);
    stats[path] = `${st.size}:${st.mtime?.getTime()}`;
  }
  return (await sha256Hex(JSON.stringify({ v: BUILD_VERSION, spec, stats }))).slice(0, 12);
}

/**
 * Copies the files (path in the file system -> host file) into a fresh
 * staging folder on /dev/shm; returns it with their total size. The caller
 * removes the folder.
 */
export async function stageFiles(
  files: Readonly<Record<string, string>>,
): Promise<{ dir: string; bytes: number }> {
  const dir = await Deno.makeTempDir({ dir: "/dev/shm", prefix: "tmpfs-root-e2e-disk-" });
  let bytes = 0;
  for (const [path, host] of Object.entries(files)) {
    const rel = path.replace(/^\/+/, "");
    if (rel === "" || rel.split("/").includes("..")) {
      throw new RangeError(`Invalid file path "${path}": expected a path inside the file system`);
    }
    const dest = `${dir}/${rel}`;
    await Deno.mkdir(dest.replace(/\/[^/]*$/, ""), { recursive: true });
    await Deno.copyFile(host, dest);
    bytes += (await Deno.stat(dest)).size;
  }
  return { dir, bytes };
}

/** Runs mkfs.ext4 on `img` at a byte offset, for `sizeKiB` KiB, populated from `dir`. */
export async function mkfsExt4(
  img: string,
  opts: { offset: number; sizeKiB: number; dir: string; label?: string; uuid?: string },
): Promise<void> {
  const args = ["-q", "-F", "-t", "ext4", "-m", "0", "-E", `offset=${opts.offset}`, "-d", opts.dir];
  if (opts.label !== undefined) {
    if (new TextEncoder().encode(opts.label).length > 16) {
      throw new RangeError(`Invalid file system label "${opts.label}": longer than 16 bytes`);
    }
    args.push("-L", checkText("file system label", opts.label));
  }
  if (opts.uuid !== undefined) args.push("-U", opts.uuid);
  await $`mkfs.ext4 ${args} ${img} ${`${opts.sizeKiB}k`}`.env({ E2FSPROGS_FAKE_TIME: "1700000000" })
    .quiet();
}

/**
 * Makes (or takes from `.cache/disks/`) a raw disk image with one ext4 file
 * system holding `files`, and returns its path.
 *
 * @example
 * ```ts ignore
 * const img = await makeDisk({ name: "label", table: "gpt", partLabel: "my disk/1",
 *   fsLabel: "my disk/1", files: { "rootfs.tgz": archive.path } });
 * ```
 */
export async function makeDisk(spec: DiskSpec): Promise<string> {
  if (!/^[A-Za-z0-9._-]+$/.test(spec.name)) {
    throw new RangeError(`Invalid disk name "${spec.name}"`);
  }
  const table = spec.table ?? "mbr";
  if (table !== "gpt" && (spec.partLabel !== undefined || spec.partUuid !== undefined)) {
    throw new RangeError(`Invalid disk "${spec.name}": partLabel and partUuid need a gpt table`);
  }
  const key = await specKey(spec, spec.files);
  const out = `${DISK_DIR}/${spec.name}-${key}.img`;
  if (await exists(out)) return out;
  await Deno.mkdir(DISK_DIR, { recursive: true });

  const { dir, bytes } = await stageFiles(spec.files);
  const tmp = `${out}.tmp-${Deno.pid}`;
  try {
    const sizeMiB = spec.sizeMiB ?? Math.ceil(bytes * 1.1 / 1048576) + 24;
    await Deno.remove(tmp).catch(() => {});
    await $`truncate -s ${`${sizeMiB}M`} ${tmp}`;
    let offset = 0;
    let sizeKiB = sizeMiB * 1024;
    if (table !== "none") {
      const script = table === "gpt"
        ? `label: gpt\nstart=${START_SECTOR}, type=${GPT_LINUX}\n`
        : `label: dos\n${
          spec.diskId ? `label-id: ${spec.diskId}\n` : ""
        }start=${START_SECTOR}, type=83\n`;
      await $`sfdisk --no-reread --no-tell-kernel -q ${tmp}`.stdinText(script).quiet();
      if (spec.partLabel !== undefined) {
        await $`sfdisk --no-reread --no-tell-kernel -q --part-label ${tmp} 1 ${
          checkText("partition label", spec.partLabel)
        }`
          .quiet();
      }
      if (spec.partUuid !== undefined) {
        await $`sfdisk --no-reread --no-tell-kernel -q --part-uuid ${tmp} 1 ${spec.partUuid}`
          .quiet();
      }
      const json = JSON.parse(await $`sfdisk -J ${tmp}`.text()) as {
        partitiontable: { sectorsize?: number; partitions: { start: number; size: number }[] };
      };
      const part = json.partitiontable.partitions[0];
      if (!part) throw new Error(`sfdisk made no partition on "${tmp}"`);
      const sector = json.partitiontable.sectorsize ?? 512;
      offset = part.start * sector;
      sizeKiB = Math.floor(part.size * sector / 1024);
    }
    await mkfsExt4(tmp, {
      offset,
      sizeKiB,
      dir,
      ...(spec.fsLabel === undefined ? {} : { label: spec.fsLabel }),
      ...(spec.fsUuid === undefined ? {} : { uuid: spec.fsUuid }),
    });
    await Deno.rename(tmp, out);
    return out;
  } catch (e) {
    await Deno.remove(tmp).catch(() => {});
    throw e;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** What `blkid` sees on a disk image's first partition (or whole disk): for tests of this module. */
export async function probeDisk(img: string): Promise<Record<string, string>> {
  const json = JSON.parse(await $`sfdisk -J ${img}`.noThrow().stderr("null").text() || "{}") as {
    partitiontable?: { partitions: { start: number; uuid?: string; name?: string }[] };
  };
  const part = json.partitiontable?.partitions[0];
  const offset = part ? part.start * 512 : 0;
  const out = await $`blkid -p -O ${String(offset)} -o export ${img}`.noThrow().text();
  const result: Record<string, string> = {};
  for (const line of out.split("\n")) {
    const i = line.indexOf("=");
    if (i > 0) result[line.slice(0, i)] = line.slice(i + 1);
  }
  if (part?.uuid) result["PARTUUID"] = part.uuid.toLowerCase();
  if (part?.name !== undefined) result["PARTLABEL"] = part.name;
  return result;
}
