/** Shared paths of the e2e harness. Private to `e2e/lib`. */

/** Absolute path of the repository root (the folder that holds `deno.json`). */
export const REPO_ROOT: string = new URL("../../", import.meta.url).pathname.replace(/\/$/, "");

/**
 * Cache folder for what the e2e harness builds (kernel, initramfs images,
 * archives, disks), each keyed by its inputs: `$TMPFS_ROOT_CACHE`, else
 * `/var/cache/tmpfs-root` when run as root (CI clones afresh, so the cache
 * must live outside the checkout), else `.cache/` in the checkout.
 */
export const CACHE_DIR: string = Deno.env.get("TMPFS_ROOT_CACHE") ??
  (Deno.uid() === 0 ? "/var/cache/tmpfs-root" : `${REPO_ROOT}/.cache`);

/** Logs of the last run, in the checkout (gitignored). */
export const LOG_DIR: string = `${REPO_ROOT}/.cache/e2e-logs`;

/** The generated dracut module, unless `TMPFS_ROOT_MODULE_DIR` points elsewhere. */
export function moduleDir(): string {
  return Deno.env.get("TMPFS_ROOT_MODULE_DIR") ?? `${REPO_ROOT}/module/90tmpfs-root`;
}

/** Whether a path exists (without following a final symlink). */
export async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}

/** Writes a file atomically: to a temporary sibling, then renamed into place. */
export async function writeAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${path}.tmp-${Deno.pid}-${crypto.randomUUID().slice(0, 8)}`;
  if (typeof data === "string") await Deno.writeTextFile(tmp, data);
  else await Deno.writeFile(tmp, data);
  await Deno.rename(tmp, path);
}
