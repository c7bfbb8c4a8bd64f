/**
 * Memory cgroups for one run each: the peak memory of a method's processes
 * and the shared memory (tmpfs pages) they leave charged.
 *
 * @module
 */

/** Where the bench makes its memory cgroups. */
export interface MemoryCgroups {
  /** 2 (unified: memory.peak, memory.stat `shmem`) or 1 (memory.max_usage_in_bytes). */
  readonly version: 1 | 2;
  /** The folder new cgroups are made in. */
  readonly parent: string;
}

/** What one run's cgroup recorded (bytes). */
export interface MemoryUse {
  /** The highest charge while the method ran: memory.peak, or v1's memory.max_usage_in_bytes. */
  readonly peak: number;
  /** The tmpfs pages still charged after it: memory.stat's `shmem`. */
  readonly shmem: number;
  /** Kernel memory still charged after it (inodes, dentries), when the cgroup says. */
  readonly kernel: number | null;
  /** The cgroup's charge after it. */
  readonly end: number | null;
}

/** The mount points of each file-system type in /proc/self/mounts, with their options. */
async function mounts(): Promise<{ type: string; dir: string; options: string[] }[]> {
  const text = await Deno.readTextFile("/proc/self/mounts");
  return text.split("\n").filter((l) => l !== "").map((l) => {
    const [, dir, type, options] = l.split(" ");
    return { type: type!, dir: dir!.replace(/\\040/g, " "), options: options!.split(",") };
  });
}

/**
 * Finds where memory cgroups can be made: the unified hierarchy's root when
 * it has the memory controller (cgroup v2), else a child of this process's
 * own cgroup in the v1 memory hierarchy; a string saying why not when
 * neither works (not root, no memory controller).
 *
 * @example
 * ```ts ignore
 * import { findMemoryCgroups } from "./memory_cgroup.ts";
 * const where = await findMemoryCgroups();
 * if (typeof where !== "string") console.log(where.version, where.parent);
 * ```
 */
export async function findMemoryCgroups(): Promise<MemoryCgroups | string> {
  if (Deno.uid() !== 0) return "not run as root: cannot make cgroups";
  const all = await mounts();
  for (const m of all.filter((m) => m.type === "cgroup2")) {
    try {
      const controllers = await Deno.readTextFile(`${m.dir}/cgroup.controllers`);
      if (!controllers.split(/\s+/).includes("memory")) continue;
      const sub = await Deno.readTextFile(`${m.dir}/cgroup.subtree_control`);
      if (!sub.split(/\s+/).includes("memory")) {
        await Deno.writeTextFile(`${m.dir}/cgroup.subtree_control`, "+memory");
      }
      return { version: 2, parent: m.dir };
    } catch {
      // not this one
    }
  }
  const v1 = all.find((m) => m.type === "cgroup" && m.options.includes("memory"));
  if (v1 !== undefined) {
    const own = (await Deno.readTextFile("/proc/self/cgroup")).split("\n")
      .map((l) => l.split(":"))
      .find((f) => f[1]?.split(",").includes("memory"))?.[2];
    if (own !== undefined) return { version: 1, parent: `${v1.dir}${own.replace(/\/$/, "")}` };
  }
  return "no cgroup hierarchy with the memory controller is mounted";
}

let made = 0;

/**
 * Makes a new, empty memory cgroup for one run; returns its folder.
 *
 * @example
 * ```ts ignore
 * import { findMemoryCgroups, makeCgroup, removeCgroup } from "./memory_cgroup.ts";
 * const where = await findMemoryCgroups();
 * if (typeof where !== "string") await removeCgroup(await makeCgroup(where));
 * ```
 */
export async function makeCgroup(where: MemoryCgroups): Promise<string> {
  const dir = `${where.parent}/tmpfs-root-bench-${Deno.pid}-${++made}`;
  await Deno.mkdir(dir);
  return dir;
}

/**
 * Removes a cgroup whose processes have all exited (tries for a second: they may still be dying).
 *
 * @example
 * ```ts ignore
 * import { removeCgroup } from "./memory_cgroup.ts";
 * await removeCgroup("/sys/fs/cgroup/tmpfs-root-bench-1-1");
 * ```
 */
export async function removeCgroup(dir: string): Promise<void> {
  for (let i = 0; i < 20; i++) {
    try {
      await Deno.remove(dir);
      return;
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) return;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  await Deno.remove(dir);
}

/** A number in a file's text, or null. */
function num(text: string | undefined): number | null {
  if (text === undefined) return null;
  const n = Number(text.trim());
  return Number.isFinite(n) ? n : null;
}

/**
 * Reads what a run's cgroup recorded, from the copies of its files the
 * sandbox wrote (`files` maps a file name, e.g. `memory.stat`, to its
 * text); null when it wrote none.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { memoryUse } from "./memory_cgroup.ts";
 * const use = memoryUse({ "memory.peak": "3000\n", "memory.stat": "anon 10\nshmem 2000\nkernel 100\n" });
 * assert.deepEqual(use, { peak: 3000, shmem: 2000, kernel: 100, end: null });
 * ```
 */
export function memoryUse(files: Readonly<Record<string, string>>): MemoryUse | null {
  const peak = num(files["memory.peak"]) ?? num(files["memory.max_usage_in_bytes"]);
  const stat = new Map(
    (files["memory.stat"] ?? "").split("\n").map((l) => l.split(" ") as [string, string]),
  );
  const shmem = num(stat.get("shmem"));
  if (peak === null || shmem === null) return null;
  const kernel = num(stat.get("kernel")) ?? num(files["memory.kmem.usage_in_bytes"]);
  const end = num(files["memory.current"]) ?? num(files["memory.usage_in_bytes"]);
  return { peak, shmem, kernel, end };
}
