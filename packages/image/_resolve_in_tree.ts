import { lstat, readlink } from "node:fs/promises";

/** How many symbolic links a lookup follows before it gives up, as Linux does. */
const MAX_LINKS = 40;

/**
 * Resolves `path` inside the tree at `root` as the booted system would see
 * it after switch-root: every symbolic link is followed, an absolute target
 * starts again at `root`, and `..` never climbs above it. Returns the
 * resolved path (absolute, inside the tree) when it names a regular file,
 * otherwise `null`.
 */
export async function resolveFileInTree(root: string, path: string): Promise<string | null> {
  let pending = path.split("/").filter((p) => p !== "" && p !== ".");
  const done: string[] = [];
  let links = 0;
  while (pending.length > 0) {
    const [part, ...rest] = pending as [string, ...string[]];
    pending = rest;
    if (part === "..") {
      done.pop();
      continue;
    }
    const here = `/${[...done, part].join("/")}`;
    let st;
    try {
      st = await lstat(root + here);
    } catch {
      return null;
    }
    if (st.isSymbolicLink()) {
      if (++links > MAX_LINKS) return null;
      const target = await readlink(root + here);
      if (target.startsWith("/")) done.length = 0;
      pending = [...target.split("/").filter((p) => p !== "" && p !== "."), ...pending];
      continue;
    }
    if (pending.length > 0 && !st.isDirectory()) return null;
    if (pending.length === 0 && !st.isFile()) return null;
    done.push(part);
  }
  return done.length === 0 ? null : `/${done.join("/")}`;
}
