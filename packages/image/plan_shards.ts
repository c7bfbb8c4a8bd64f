/**
 * Shards: a tree split into archives that hold disjoint sets of entries,
 * so that one decompressor and one tar for each, running at once into the
 * same tmpfs, unpack the tree faster than any single tar stream (which
 * decompresses and writes on one core).
 *
 * The plan puts every directory in a part of its own, unpacked before the
 * shards and again after them. Before: no shard's tar has to make a
 * directory, and two that make the same one at once race (GNU tar 1.34
 * then fails the member with "Cannot open: No such file or directory":
 * its retry finds nothing left to make; seen in about one sharded run in
 * six on a Debian root). After: it gives each directory its owner, mode,
 * mtime and attributes again, which the shards' writes changed (a
 * directory's mtime moves with every entry made in it). Every other entry
 * goes to exactly one shard, a hard-link group whole (tar stores the first
 * of a group as a file and the others as links to it, which must be in the
 * same archive), balanced by the bytes tar writes for it: the largest first,
 * each to the shard that holds the fewest bytes so far.
 *
 * @module
 */
import { lstat, opendir } from "node:fs/promises";
import { join } from "node:path";
import { InputError } from "./input_error.ts";
import { PACK_TAR_OPTIONS } from "./pack_tree.ts";

/** The most shards a tree is split into. */
export const MAX_SHARDS = 64;

/** One shard of a plan: its entries (tar's names, `./etc/hostname`), in name order. */
export interface Shard {
  readonly paths: readonly string[];
  /** The bytes tar writes for them: a header each, and each file's data in whole blocks. */
  readonly bytes: number;
}

/** A tree split into shards and the part that holds its directories. */
export interface ShardPlan {
  /** Every directory, `.` first, in name order: the part unpacked last. */
  readonly directories: readonly string[];
  /** The shards, each holding at least one entry unless the tree has fewer entries than shards. */
  readonly shards: readonly Shard[];
}

/** A tar block. */
const BLOCK = 512;

/** Compares two names by their bytes, as `LC_ALL=C sort` does. */
function byBytes(a: string, b: string): number {
  const x = new TextEncoder().encode(a);
  const y = new TextEncoder().encode(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] !== y[i]) return x[i]! - y[i]!;
  }
  return x.length - y.length;
}

/**
 * Splits the tree at `dir` into `count` shards and its directories, as
 * described in this module. Like tar with `--one-file-system`, the walk
 * does not descend into another file system (its mount point is kept);
 * sockets, which tar does not archive, are left out.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { link, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
 * import { planShards } from "./plan_shards.ts";
 * const dir = await mkdtemp("/tmp/plan-doc-");
 * await mkdir(`${dir}/etc`);
 * await writeFile(`${dir}/etc/big`, "x".repeat(4096));
 * await writeFile(`${dir}/etc/small`, "x");
 * await link(`${dir}/etc/small`, `${dir}/etc/small-too`);
 * const plan = await planShards(dir, 2);
 * assert.deepEqual(plan.directories, [".", "./etc"]);
 * assert.deepEqual(plan.shards.map((s) => s.paths), [["./etc/big"], ["./etc/small", "./etc/small-too"]]);
 * await rm(dir, { recursive: true });
 * ```
 */
export async function planShards(dir: string, count: number): Promise<ShardPlan> {
  if (!Number.isInteger(count) || count < 1 || count > MAX_SHARDS) {
    throw new InputError(
      `Invalid --shards "${count}": expected a whole number from 1 to ${MAX_SHARDS}`,
    );
  }
  const top = await lstat(dir);
  if (!top.isDirectory()) throw new InputError(`"${dir}" is not a directory`);
  const directories: string[] = ["."];
  // Each unit goes to one shard whole: a single entry, or a hard-link group.
  const units = new Map<string, { paths: string[]; bytes: number }>();
  const walk = async (rel: string): Promise<void> => {
    for await (const entry of await opendir(join(dir, rel))) {
      const path = `${rel}/${entry.name}`;
      const st = await lstat(join(dir, path));
      if (st.isDirectory()) {
        directories.push(path);
        if (st.dev === top.dev) await walk(path);
        continue;
      }
      if (st.isSocket()) continue;
      const data = st.isFile() ? Math.ceil(st.size / BLOCK) * BLOCK : 0;
      const key = st.isFile() && st.nlink > 1 ? `${st.dev}:${st.ino}` : path;
      const unit = units.get(key);
      if (unit === undefined) {
        units.set(key, { paths: [path], bytes: BLOCK + data });
      } else {
        // A link of a group costs tar a header only.
        unit.paths.push(path);
        unit.bytes += BLOCK;
      }
    }
  };
  await walk(".");
  directories.sort(byBytes);
  const shards = Array.from({ length: count }, () => ({ paths: [] as string[], bytes: 0 }));
  const ordered = [...units.values()].map((u) => ({ ...u, paths: u.paths.sort(byBytes) }))
    .sort((a, b) => b.bytes - a.bytes || byBytes(a.paths[0]!, b.paths[0]!));
  for (const unit of ordered) {
    let least = shards[0]!;
    for (const s of shards) if (s.bytes < least.bytes) least = s;
    least.paths.push(...unit.paths);
    least.bytes += unit.bytes;
  }
  for (const s of shards) s.paths.sort(byBytes);
  return { directories, shards };
}

/**
 * GNU tar's arguments that write the part whose names (tar's, `./etc`)
 * the file `list` holds, each ended by a NUL, read in `dir`: the options of
 * {@linkcode PACK_TAR_OPTIONS}, and no recursion into a directory named (a
 * directory's part holds the directory alone).
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { shardTarArgs } from "./plan_shards.ts";
 * assert.deepEqual(shardTarArgs("/tree", "/tmp/list").slice(-6), [
 *   "--no-recursion", "--null", "--verbatim-files-from", "--directory", "/tree", "--files-from=/tmp/list",
 * ]);
 * ```
 */
export function shardTarArgs(dir: string, list: string): string[] {
  return [
    ...PACK_TAR_OPTIONS,
    "--no-recursion",
    "--null",
    "--verbatim-files-from",
    "--directory",
    dir,
    `--files-from=${list}`,
  ];
}
