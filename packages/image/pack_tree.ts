import $ from "dax";
import { createHash } from "node:crypto";
import { constants } from "node:fs";
import {
  access,
  lstat,
  open,
  opendir,
  realpath,
  rename,
  rm,
  stat,
  writeFile,
} from "node:fs/promises";
import { basename, delimiter, dirname, join } from "node:path";
import process from "node:process";
import {
  ATTRIBUTES,
  type Format,
  formatManifest,
  type Manifest,
  MANIFEST_FIELDS,
  MANIFEST_SUFFIX,
} from "@tmpfs-root/model";
import { formatOfName } from "./archive_name.ts";
import { InputError } from "./input_error.ts";
import { inspectArchive } from "./inspect_archive.ts";
import { resolveFileInTree } from "./_resolve_in_tree.ts";
import { INITS, MOUNT_POINTS } from "./root_layout.ts";
import { ustarDirectory } from "./_ustar_directory.ts";

/**
 * GNU tar's options for a bootable, reproducible archive, each for a
 * reason: pax format (long names, sub-second times, xattrs), numeric
 * owners (the initramfs has no user database), ACLs, SELinux labels and
 * every xattr kept, names sorted, pax headers named without a process id
 * and without atime/ctime (which change on every read), no descent
 * into other file systems (a chroot's mounted /proc stays out), and records
 * of one block: tar's stream ends with its end-of-archive blocks, unpadded,
 * so the mount points added in front of it are padded once, at the end (see
 * `prepend`).
 */
export const PACK_TAR_OPTIONS: readonly string[] = [
  "--create",
  "--file=-",
  "--format=posix",
  "--numeric-owner",
  "--acls",
  "--selinux",
  "--xattrs",
  "--xattrs-include=*",
  "--sort=name",
  "--one-file-system",
  "--blocking-factor=1",
  "--pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime",
];

/** A compressor: the programs to try in order (multi-threaded first), and its levels. */
interface Compressor {
  /** Each program with its options, reading stdin and writing stdout; `{level}` is replaced. */
  readonly programs: readonly (readonly string[])[];
  readonly levels: readonly [number, number];
  readonly defaultLevel: number;
}

/** Each compressed format's compressors; the first one installed is used. */
export const COMPRESSORS: Readonly<Record<Exclude<Format, "tar">, Compressor>> = {
  zstd: { programs: [["zstd", "-q", "-c", "-T0", "-{level}"]], levels: [1, 19], defaultLevel: 3 },
  xz: { programs: [["xz", "-c", "-T0", "-{level}"]], levels: [0, 9], defaultLevel: 6 },
  gzip: {
    programs: [["pigz", "-c", "-n", "-{level}"], ["gzip", "-c", "-n", "-{level}"]],
    levels: [1, 9],
    defaultLevel: 6,
  },
  bzip2: {
    programs: [["lbzip2", "-c", "-{level}"], ["pbzip2", "-c", "-{level}"], [
      "bzip2",
      "-c",
      "-{level}",
    ]],
    levels: [1, 9],
    defaultLevel: 9,
  },
  lz4: { programs: [["lz4", "-c", "-q", "-{level}"]], levels: [1, 12], defaultLevel: 1 },
};

/** How far along a pack is. */
export interface PackProgress {
  /** Bytes of the tar stream made so far. */
  readonly bytes: number;
  /** The tar stream's estimated size, from a walk of the tree. */
  readonly total: number;
}

/** What {@linkcode packTree} is asked to do. */
export interface PackOptions {
  /** The tree to pack. */
  readonly dir: string;
  /** The archive to write; its ending chooses the format. */
  readonly out: string;
  /** Pack a tree without an init (or with other reasons not to boot) anyway. */
  readonly force?: boolean;
  /** The init the root boots with (`init=` on the kernel command line), when not a standard one. */
  readonly init?: string;
  /** Clamp every mtime to this time (seconds since 1970); also the mtime of mount points added. */
  readonly mtime?: number;
  /** The compression level (the compressor's own scale). */
  readonly level?: number;
  /** Called at most a few times a second while the tree is read. */
  readonly onProgress?: (p: PackProgress) => void;
}

/** What {@linkcode packTree} wrote. */
export interface Packed {
  readonly archive: string;
  readonly manifestPath: string;
  readonly sha256Path: string;
  readonly manifest: Manifest;
  /** The compressor run, with its options. */
  readonly compressor: readonly string[] | null;
  /** Mount points the tree lacked, added to the archive (`/run`). */
  readonly added: readonly string[];
  /** Why the archive would not boot, when `force` packed it anyway. */
  readonly problems: readonly string[];
}

/** Whether a program is on PATH. */
async function onPath(program: string): Promise<boolean> {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir === "") continue;
    try {
      await access(join(dir, program), constants.X_OK);
      return true;
    } catch {
      // not in this folder
    }
  }
  return false;
}

/** The compressor command for a format and level; an error when none is installed or the level is out of range. */
async function compressorFor(format: Format, level?: number): Promise<readonly string[] | null> {
  if (format === "tar") {
    if (level !== undefined) throw new InputError("Invalid --level: a .tar is not compressed");
    return null;
  }
  const c = COMPRESSORS[format];
  const chosen = level ?? c.defaultLevel;
  const [low, high] = c.levels;
  if (!Number.isInteger(chosen) || chosen < low || chosen > high) {
    throw new InputError(`Invalid --level "${level}": expected ${low} to ${high} for ${format}`);
  }
  for (const p of c.programs) {
    if (await onPath(p[0]!)) return p.map((a) => a.replace("{level}", String(chosen)));
  }
  throw new Error(
    `No ${format} compressor: install ${c.programs.map((p) => p[0]).join(" or ")}`,
  );
}

/**
 * The tar stream's size, estimated by a walk of the tree (for progress
 * only); like tar with `--one-file-system`, it stays on the tree's own file
 * system.
 */
async function estimateTarBytes(dir: string): Promise<number> {
  const device = (await lstat(dir)).dev;
  let total = 1024;
  const walk = async (path: string): Promise<void> => {
    for await (const entry of await opendir(path)) {
      const full = join(path, entry.name);
      const st = await lstat(full);
      total += 1024; // a header, and often a pax header
      if (st.isDirectory() && st.dev === device) await walk(full);
      else if (st.isFile()) total += Math.ceil(st.size / 512) * 512;
    }
  };
  await walk(dir);
  return total;
}

/** Counts the bytes passing through, reporting progress at most every 200 ms. */
function counter(total: number, onProgress?: (p: PackProgress) => void) {
  let bytes = 0;
  let last = 0;
  return new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      bytes += chunk.length;
      const now = Date.now();
      if (onProgress !== undefined && now - last >= 200) {
        last = now;
        onProgress({ bytes, total: Math.max(total, bytes) });
      }
      controller.enqueue(chunk);
    },
    flush() {
      onProgress?.({ bytes, total: bytes });
    },
  });
}

/** GNU tar's record: it reads an archive in records of this many bytes (20 blocks). */
const RECORD = 10240;

/**
 * A stream of `blocks`, then the whole of `rest` (tar's own stream, written
 * in records of one block, so it ends with its end-of-archive blocks), then
 * zeros up to a whole record. A reading tar reads whole records and stops
 * after the one that holds the end-of-archive blocks, so the archive ends
 * with that record: a stream padded by tar and then shifted by `blocks`
 * would end with a record of zeros that is never read, and a decompressor
 * that writes it into a pipe tar has left dies of SIGPIPE.
 */
function prepend(
  blocks: Uint8Array[],
  rest: ReadableStream<Uint8Array>,
): ReadableStream<Uint8Array> {
  const reader = rest.getReader();
  let length = blocks.reduce((n, b) => n + b.length, 0);
  return new ReadableStream<Uint8Array>({
    start(controller) {
      for (const b of blocks) controller.enqueue(b);
    },
    async pull(controller) {
      const { done, value } = await reader.read();
      if (!done) {
        length += value.length;
        controller.enqueue(value);
        return;
      }
      const pad = (RECORD - (length % RECORD)) % RECORD;
      if (pad > 0) controller.enqueue(new Uint8Array(pad));
      controller.close();
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
}

/** The first line a failed program wrote on standard error, or its status. */
function why(name: string, code: number, stderr: string): string {
  const line = stderr.split("\n").find((l) => l.trim() !== "");
  return line === undefined ? `${name} failed with status ${code}` : line.trim();
}

/**
 * Packs the tree at `dir` into a bootable archive, with the sidecars the
 * module reads beside it: `<archive>.sha256` (as `sha256sum` writes it)
 * and `<archive>.manifest`. GNU tar reads the tree (see
 * {@linkcode PACK_TAR_OPTIONS}); the compressor is chosen by the
 * archive's ending, multi-threaded where there is one. Mount points the
 * tree lacks are added as directories owned by root (see
 * {@linkcode MOUNT_POINTS}). The archive is then read back as a stream to
 * count what it unpacks to and to check that it would boot; a tree without
 * an init is refused unless `force` is set. Nothing is left half-written:
 * the files appear only when all is done, and an error removes what was
 * made.
 *
 * Packing the same tree twice gives the same bytes: names are sorted, pax
 * headers hold no process id or access time, and the mount points added
 * take `mtime`, or the tree's own mtime.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { mkdtemp, mkdir, writeFile } from "node:fs/promises";
 * import { packTree } from "./pack_tree.ts";
 * const dir = await mkdtemp("/tmp/pack-doc-");
 * await mkdir(`${dir}/tree/sbin`, { recursive: true });
 * await writeFile(`${dir}/tree/sbin/init`, "#!/bin/sh\n", { mode: 0o755 });
 * const packed = await packTree({ dir: `${dir}/tree`, out: `${dir}/rootfs.tar.gz`, mtime: 0 });
 * assert.equal(packed.manifest.format, "gzip");
 * assert.deepEqual(packed.added, ["/proc", "/sys", "/dev", "/run", "/tmp"]);
 * ```
 */
export async function packTree(options: PackOptions): Promise<Packed> {
  const { dir, out } = options;
  let format;
  try {
    format = formatOfName(out);
  } catch (error) {
    throw new InputError((error as Error).message);
  }
  const name = basename(out);
  const nameField = MANIFEST_FIELDS.find((f) => f.key === "archive")!;
  if (!nameField.check.test(name)) {
    throw new InputError(`Invalid archive name "${name}": expected ${nameField.expected}`);
  }
  if (options.mtime !== undefined && (!Number.isInteger(options.mtime) || options.mtime < 0)) {
    throw new InputError(`Invalid --mtime "${options.mtime}": expected seconds since 1970`);
  }
  let top;
  try {
    top = await stat(dir);
  } catch (error) {
    throw new InputError(`Cannot read "${dir}": ${(error as { code?: string }).code}`);
  }
  if (!top.isDirectory()) throw new InputError(`Cannot pack "${dir}": not a directory`);
  const [tree, into] = await Promise.all([realpath(dir), realpath(dirname(out)).catch(() => null)]);
  if (into !== null && (into === tree || into.startsWith(`${tree}/`))) {
    throw new InputError(
      `Cannot write "${out}" inside the tree it packs: write the archive outside "${dir}"`,
    );
  }
  const compressor = await compressorFor(format, options.level);

  const inits = options.init === undefined ? INITS : [options.init];
  const found = await Promise.all(inits.map((i) => resolveFileInTree(dir, i)));
  if (!options.force && found.every((f) => f === null)) {
    throw new Error(
      `"${dir}" has no ${
        inits.join(" or ")
      }: it would not boot (name its init with --init PATH, or pack it anyway with --force)`,
    );
  }

  const mtime = Math.min(options.mtime ?? Math.floor(top.mtimeMs / 1000), 0o77777777777);
  const added: string[] = [];
  const blocks: Uint8Array[] = [];
  for (const { path, mode } of MOUNT_POINTS) {
    try {
      await lstat(join(dir, path));
    } catch {
      added.push(path);
      blocks.push(ustarDirectory(`.${path}/`, mode, mtime));
    }
  }

  const partial = join(dirname(out), `.${name}.partial`);
  const total = await estimateTarBytes(dir) + blocks.length * 512;
  const clamp = options.mtime === undefined ? [] : [`--mtime=@${options.mtime}`, "--clamp-mtime"];
  const tar = $`tar ${PACK_TAR_OPTIONS} ${clamp} --directory ${dir} .`
    .stdout("piped").stderr("piped").noThrow().spawn();
  const tarStream = prepend(blocks, tar.stdout()).pipeThrough(counter(total, options.onProgress));
  const squeeze = compressor === null
    ? null
    : $`${compressor}`.stdin(tarStream).stdout("piped").stderr("piped").noThrow().spawn();
  const compressed = squeeze === null ? tarStream : squeeze.stdout();

  const hash = createHash("sha256");
  let compressedBytes = 0;
  const file = await open(partial, "w", 0o644);
  try {
    try {
      for await (const chunk of compressed) {
        hash.update(chunk);
        compressedBytes += chunk.length;
        await file.write(chunk);
      }
    } finally {
      await file.close();
    }
    if (squeeze !== null) {
      const done = await squeeze;
      if (done.code !== 0) throw new Error(why(compressor![0]!, done.code, done.stderr));
    }
    const tarDone = await tar;
    // Status 1 is "some files changed as we read them": the archive is not the tree.
    if (tarDone.code !== 0) throw new Error(`tar: ${why("tar", tarDone.code, tarDone.stderr)}`);
    const sha256 = hash.digest("hex");
    const inspection = await inspectArchive(partial, options);
    if (!inspection.boots && !options.force) {
      throw new Error(
        `"${dir}" would not boot: ${inspection.problems[0]} (pack it anyway with --force)`,
      );
    }
    const manifest: Manifest = {
      archive: name,
      format,
      compressedBytes,
      unpackedBytes: inspection.unpackedBytes,
      inodes: inspection.inodes,
      sha256,
      attributes: ATTRIBUTES.filter((a) => inspection.attributes[a]),
    };
    const manifestPath = `${out}${MANIFEST_SUFFIX}`;
    const sha256Path = `${out}.sha256`;
    await writeFile(`${partial}${MANIFEST_SUFFIX}`, formatManifest(manifest), { mode: 0o644 });
    await writeFile(`${partial}.sha256`, `${sha256}  ${name}\n`, { mode: 0o644 });
    await rename(partial, out);
    await rename(`${partial}${MANIFEST_SUFFIX}`, manifestPath);
    await rename(`${partial}.sha256`, sha256Path);
    return {
      archive: out,
      manifestPath,
      sha256Path,
      manifest,
      compressor,
      added,
      problems: inspection.problems,
    };
  } catch (error) {
    tar.kill("SIGKILL");
    squeeze?.kill("SIGKILL");
    await Promise.all([tar, squeeze].map((c) => c?.catch(() => {})));
    for (const f of [partial, `${partial}${MANIFEST_SUFFIX}`, `${partial}.sha256`]) {
      await rm(f, { force: true });
    }
    throw error;
  }
}
