/**
 * Layers: `rd.tmpfs.imgfile=base.tar.zst,site.tar.gz,node-17.tar` unpacks
 * each archive in turn into the same tmpfs. A later layer's entries take
 * the place of an earlier one's, and its OCI whiteouts remove an earlier
 * one's paths, as a container runtime lays image layers (the OCI image
 * specification's "Representing Changes"):
 *
 * - `.wh.<name>` in a directory removes `<name>` (and all under it) of the
 *   layers below; the layer's own `<name>`, if it has one, stays.
 * - `.wh..wh..opq` in a directory removes everything the layers below have
 *   in it; the layer's own entries stay.
 * - A directory over a directory merges them, the upper one's metadata
 *   winning; anything else over anything replaces it whole (a directory
 *   over a symbolic link to one replaces the link, as overlayfs does).
 * - Whiteout entries never appear in the booted root, nor do other names
 *   that start with `.wh.` (reserved by the specification).
 *
 * {@linkcode overlay} is the rule, which the simulator applies and the
 * emitted shell (`tmpfs_root_merge`, `tmpfs_root_overlay`) is tested
 * against.
 *
 * @module
 */

import { MANIFEST_SUFFIX } from "./manifest.ts";

/** The prefix of a whiteout entry's name. */
export const WHITEOUT_PREFIX = ".wh.";

/** The name of the entry that makes its directory opaque. */
export const OPAQUE_WHITEOUT = ".wh..wh..opq";

/** The prefix of the folder a layer is unpacked into, inside the tmpfs, before it is laid. */
export const LAYER_STAGE = ".tmpfs-root-layer";

/**
 * How a full tmpfs's line names the manifests of several layers, before
 * their archives' names (`the manifests of base.tar.zst,site.tar.gz`).
 */
export const LAYER_MANIFESTS = "the manifests of ";

/**
 * The manifest a full tmpfs's line names: the archive's `<name>.manifest`,
 * or for layers (names separated by commas) {@linkcode LAYER_MANIFESTS}
 * and the names.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { manifestsNamed } from "./layers.ts";
 * assert.equal(manifestsNamed("r.tar"), "r.tar.manifest");
 * assert.equal(manifestsNamed("a.tar,b.tar"), "the manifests of a.tar,b.tar");
 * ```
 */
export function manifestsNamed(names: string): string {
  return names.includes(",") ? `${LAYER_MANIFESTS}${names}` : `${names}${MANIFEST_SUFFIX}`;
}

/** An entry of a tree, by its path (`/etc/hostname`): only its type matters here. */
export interface TreeEntry {
  /** The tar entry type: `directory` is a directory; anything else is not. */
  readonly type: string;
}

/** The name of a path's last component. */
function baseName(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

/** Whether `path` is a directory of `tree`: an entry of type `directory`, or the parent of one. */
function isDir<E extends TreeEntry>(tree: ReadonlyMap<string, E>, path: string): boolean {
  const entry = tree.get(path);
  if (entry !== undefined) return entry.type === "directory";
  const prefix = `${path}/`;
  for (const p of tree.keys()) if (p.startsWith(prefix)) return true;
  return false;
}

/** Whether `path` is `dir` or under it. */
function within(path: string, dir: string): boolean {
  return path === dir || path.startsWith(`${dir}/`);
}

/** Whether a path has a component that starts with `.wh.`. */
function hasWhiteout(path: string): boolean {
  return path.split("/").some((c) => c.startsWith(WHITEOUT_PREFIX));
}

/**
 * Lays `layer` over `below` (trees by absolute path, `/a/b`; a parent
 * directory may be implied by its children): the result of unpacking
 * `layer` on top of `below`, as described in this module, without any
 * whiteout entry. With an empty `below`, it is `layer` without its
 * whiteouts.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { overlay } from "./layers.ts";
 * const f = { type: "file" };
 * const d = { type: "directory" };
 * const below = new Map([["/etc", d], ["/etc/motd", f], ["/etc/issue", f], ["/var/cache/a", f]]);
 * const layer = new Map([
 *   ["/etc", d],
 *   ["/etc/.wh.motd", f],
 *   ["/etc/hostname", f],
 *   ["/var/cache/.wh..wh..opq", f],
 *   ["/var/cache/b", f],
 * ]);
 * assert.deepEqual([...overlay(below, layer).keys()].sort(), [
 *   "/etc",
 *   "/etc/hostname",
 *   "/etc/issue",
 *   "/var/cache/b",
 * ]);
 * ```
 */
export function overlay<E extends TreeEntry>(
  below: ReadonlyMap<string, E>,
  layer: ReadonlyMap<string, E>,
): Map<string, E> {
  // The directories both trees hold as directories, from the root down: only there do the
  // layer's whiteouts reach the tree below, and only there do the two merge.
  const removed: string[] = [];
  const merged = (dir: string): boolean =>
    dir === "" || (isDir(below, dir) && isDir(layer, dir) && merged(parentOf(dir)));
  const dirs = new Set<string>([""]);
  for (const p of layer.keys()) {
    for (let d = parentOf(p); d !== ""; d = parentOf(d)) dirs.add(d);
    if (isDir(layer, p)) dirs.add(p);
  }
  for (const dir of dirs) {
    if (!merged(dir)) continue;
    if (layer.has(`${dir}/${OPAQUE_WHITEOUT}`)) {
      removed.push(...[...below.keys()].filter((p) => p.startsWith(`${dir}/`)));
      continue;
    }
    for (const p of layer.keys()) {
      if (parentOf(p) !== dir) continue;
      const name = baseName(p);
      if (!name.startsWith(WHITEOUT_PREFIX)) continue;
      const target = name.slice(WHITEOUT_PREFIX.length);
      if (
        target === "" || target === "." || target === ".." || target.startsWith(WHITEOUT_PREFIX)
      ) {
        continue;
      }
      removed.push(`${dir}/${target}`);
    }
  }
  const out = new Map<string, E>();
  for (const [p, e] of below) {
    if (removed.some((r) => within(p, r))) continue;
    // An entry the layer has: replaced, unless both are directories (merged).
    let replaced = false;
    for (let q = p; q !== ""; q = parentOf(q)) {
      if ((layer.has(q) || isDir(layer, q)) && !(isDir(below, q) && isDir(layer, q))) {
        replaced = true;
        break;
      }
    }
    if (!replaced) out.set(p, e);
  }
  for (const [p, e] of layer) {
    if (!hasWhiteout(p)) out.set(p, e);
  }
  return out;
}

/** The parent of an absolute path (`""` for a top-level entry). */
function parentOf(path: string): string {
  return path.slice(0, path.lastIndexOf("/"));
}
