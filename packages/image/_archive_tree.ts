import type { TarType } from "./_tar_entries.ts";

/** A tmpfs page: what a directory or symbolic link takes, and what file sizes round up to. */
const PAGE = 4096;

/** How many symbolic links a lookup follows before it gives up, as Linux does. */
const MAX_LINKS = 40;

/** What a path of the tree is. */
export interface TreeNode {
  readonly type: TarType;
  /** The mode the archive gives; `null` for a directory tar makes because a member lies below it. */
  readonly mode: number | null;
  /** A regular file's size in 4 KiB pages. */
  readonly pages: number;
}

/** A path looked up with {@linkcode ArchiveTree.resolve}. */
export interface Resolved {
  /** The path every symbolic link on the way leads to, absolute. */
  readonly path: string;
  /** What is there (a hard link's file, not the link). */
  readonly node: TreeNode;
}

const TYPES: readonly TarType[] = [
  "file",
  "directory",
  "symlink",
  "hardlink",
  "char",
  "block",
  "fifo",
];
/** The mode bits of a node without a mode of its own. */
const NO_MODE = 0o10000;

/**
 * A node packed into one number, `pages * 2^16 + mode * 8 + type`, exact
 * below a petabyte: a million nodes then take a map of small integers, not
 * a million objects (about a third less memory).
 */
function pack(type: TarType, mode: number | null, pages: number): number {
  return pages * 65536 + (mode ?? NO_MODE) * 8 + TYPES.indexOf(type);
}

function unpack(value: number): TreeNode {
  const mode = Math.floor(value / 8) % 8192;
  return {
    type: TYPES[value % 8]!,
    mode: mode === NO_MODE ? null : mode,
    pages: Math.floor(value / 65536),
  };
}

/** A path's parts, without empty ones and `.`. */
function parts(path: string): string[] {
  return path.split("/").filter((p) => p !== "" && p !== ".");
}

/**
 * The tree an archive unpacks to, kept as names and types (no data):
 * every path relative to the root (`""`, `etc`, `etc/os-release`), with
 * the directories tar makes for members below them, and the target of
 * each link.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { ArchiveTree } from "./_archive_tree.ts";
 * const tree = new ArchiveTree();
 * tree.set("usr/sbin/init", "file", 0o755, 10);
 * tree.set("sbin", "symlink", 0o777, 0, "usr/sbin");
 * assert.deepEqual(tree.resolve("/sbin/init"), {
 *   path: "/usr/sbin/init",
 *   node: { type: "file", mode: 0o755, pages: 1 },
 * });
 * // The root, usr, usr/sbin and sbin a page each, and init's 10 bytes a page.
 * assert.deepEqual(tree.usage(), { bytes: 5 * 4096, inodes: 5 });
 * ```
 */
export class ArchiveTree {
  readonly #nodes = new Map<string, number>([["", pack("directory", null, 0)]]);
  readonly #targets = new Map<string, string>();

  /**
   * Puts a member at `path` (relative, without `.` or `..` parts), as tar
   * unpacks it: missing parent directories are made, a later member
   * replaces an earlier one. `target` is a symbolic link's target as
   * stored, or a hard link's path from the root.
   */
  set(path: string, type: TarType, mode: number | null, size: number, target = ""): void {
    const slash = path.lastIndexOf("/");
    const parent = slash < 0 ? "" : path.slice(0, slash);
    if (path !== "" && !this.#nodes.has(parent)) this.set(parent, "directory", null, 0);
    this.#nodes.set(path, pack(type, mode, type === "file" ? Math.ceil(size / PAGE) : 0));
    if (type === "symlink" || type === "hardlink") this.#targets.set(path, target);
    else this.#targets.delete(path);
  }

  /** Whether `path` (relative) is in the tree. */
  has(path: string): boolean {
    return this.#nodes.has(path);
  }

  /** What is at `path` (relative), or `undefined`; a hard link is its file. */
  #lookup(path: string): TreeNode | undefined {
    const value = this.#nodes.get(path);
    if (value === undefined) return undefined;
    const node = unpack(value);
    if (node.type !== "hardlink") return node;
    const file = this.#nodes.get(this.#targets.get(path)!);
    return file === undefined ? undefined : unpack(file);
  }

  /**
   * Looks `path` up as the booted system would after switch-root: every
   * symbolic link on the way is followed (an absolute target starts again
   * at the root, `..` never climbs above it), the last one too. `null`
   * when a part is missing, a part before the last is not a directory, or
   * there are more than 40 links.
   */
  resolve(path: string): Resolved | null {
    let pending = parts(path);
    const done: string[] = [];
    let links = 0;
    let node = unpack(this.#nodes.get("")!);
    while (pending.length > 0) {
      const [part, ...rest] = pending as [string, ...string[]];
      pending = rest;
      if (part === "..") {
        done.pop();
        node = this.#lookup(done.join("/"))!;
        continue;
      }
      const here = [...done, part].join("/");
      const found = this.#lookup(here);
      if (found === undefined) return null;
      if (found.type === "symlink") {
        if (++links > MAX_LINKS) return null;
        const target = this.#targets.get(here)!;
        if (target.startsWith("/")) done.length = 0;
        pending = [...parts(target), ...pending];
        continue;
      }
      if (pending.length > 0 && found.type !== "directory") return null;
      done.push(part);
      node = found;
    }
    return { path: `/${done.join("/")}`, node };
  }

  /**
   * What the tree takes in a tmpfs, as the manifest counts `unpacked_bytes`
   * (each regular file rounded up to a page, hard links once, a page for
   * each directory and symbolic link), and its inodes (each hard-link
   * group once, the root directory included).
   */
  usage(): { bytes: number; inodes: number } {
    let bytes = 0;
    let inodes = 0;
    for (const value of this.#nodes.values()) {
      const { type, pages } = unpack(value);
      if (type === "hardlink") continue;
      inodes++;
      bytes += (type === "file" ? pages : type === "directory" || type === "symlink" ? 1 : 0) *
        PAGE;
    }
    return { bytes, inodes };
  }
}
