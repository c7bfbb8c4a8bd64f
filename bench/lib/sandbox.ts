/**
 * Runs one method once in a sandbox of its own (see sandbox/setup.sh): a
 * private mount and PID namespace, a tmpfs root with the host's /usr
 * read-only, the committed module's files where dracut installs them, a
 * fresh tmpfs at /sysroot, timed inside the sandbox, in a memory cgroup of
 * its own.
 *
 * @module
 */
import { BOOT } from "@tmpfs-root/model";
import { compileModule } from "@tmpfs-root/compiler";
import { bash, shQuote } from "./_exec.ts";
import { HTTP_PORT, type Method } from "./methods.ts";
import {
  makeCgroup,
  type MemoryCgroups,
  type MemoryUse,
  memoryUse,
  removeCgroup,
} from "./memory_cgroup.ts";

const HERE = new URL("./sandbox/", import.meta.url);
const MODULE = new URL("../../module/90tmpfs-root/", import.meta.url);

/** Programs the bench's own methods and timer need besides the module's. */
const BENCH_PROGRAMS = ["dash", "cpio", "wc", "find", "df"];

/** A sandbox's prepared files: the work folder setup.sh copies from. */
export interface Work {
  readonly dir: string;
  /** Where module-setup.sh installs tmpfs-root-lib.sh (`/lib/tmpfs-root-lib.sh`). */
  readonly lib: string;
  /** The programs in the sandbox's /bin, by name, and where each is on the host. */
  readonly programs: Readonly<Record<string, string>>;
}

/**
 * Prepares `dir` for sandboxes: the committed module's libraries placed
 * where module-setup.sh installs them (from the compiler's placement data),
 * the timer, and /bin links to every program the module installs into the
 * initramfs (those on this machine) and the bench's own.
 *
 * @example
 * ```ts ignore
 * import { prepareWork } from "./sandbox.ts";
 * const work = await prepareWork(await Deno.makeTempDir());
 * console.log(work.lib); // "/lib/tmpfs-root-lib.sh"
 * ```
 */
export async function prepareWork(dir: string): Promise<Work> {
  const compiled = compileModule(BOOT);
  await Deno.mkdir(`${dir}/files/bench/methods`, { recursive: true });
  let lib: string | undefined;
  for (const l of compiled.placement.libs) {
    const to = `/${l.to.replace(/^\/+/, "")}`;
    const target = `${dir}/files${to}`;
    await Deno.mkdir(target.slice(0, target.lastIndexOf("/")), { recursive: true });
    await Deno.copyFile(new URL(l.file, MODULE), target);
    if (l.file === "tmpfs-root-lib.sh") lib = to;
  }
  if (lib === undefined) throw new TypeError("module-setup.sh does not install tmpfs-root-lib.sh");
  await Deno.copyFile(new URL("timed.sh", HERE), `${dir}/files/bench/timed.sh`);
  const wanted = [...new Set([...compiled.required, ...compiled.optional, ...BENCH_PROGRAMS])];
  const found = await bash(
    wanted.map((p) => `p=$(command -v ${shQuote(p)}) && echo ${shQuote(p)} "$(realpath "$p")"`)
      .join("; ") + "; true",
  );
  const programs: Record<string, string> = {};
  for (const line of found.trim().split("\n")) {
    const [name, path] = line.split(" ");
    if (name === undefined || path === undefined) continue;
    if (!path.startsWith("/usr/")) {
      throw new Error(`Cannot put "${name}" in the sandbox: ${path} is not under /usr`);
    }
    programs[name] = path;
  }
  for (const p of compiled.required) {
    if (programs[p] === undefined) throw new Error(`The module needs "${p}": it is not installed`);
  }
  programs.sh = programs.dash!;
  await Deno.writeTextFile(
    `${dir}/bin.list`,
    Object.entries(programs).map(([n, p]) => `${n} ${p}\n`).join(""),
  );
  return { dir, lib, programs };
}

/** What one run of a method left. */
export interface Run {
  /** Wall-clock seconds from the method's start to its end, measured inside the sandbox. */
  readonly seconds: number;
  /** The method's exit status, and the end of its standard error when it failed. */
  readonly status: number;
  readonly error: string | null;
  /** Inodes used on /sysroot, and entries under the unpacked tree, after the run. */
  readonly inodes: number;
  readonly entries: number;
  /** KiB used on the sandbox's /, /run and /sysroot before and after the method. */
  readonly before: readonly [number, number, number];
  readonly after: readonly [number, number, number];
  /** With `sample`: the most KiB seen used on /, /run and /sysroot while it ran, and how many looks. */
  readonly sampled:
    | { readonly max: readonly [number, number, number]; readonly looks: number }
    | null;
  /** The memory cgroup's record, when there was one. */
  readonly memory: MemoryUse | null;
  /** The module's progress lines the run printed (absent in results from before they were counted). */
  readonly progressLines?: number;
}

/** Options of {@linkcode runMethod}. */
export interface RunOptions {
  readonly work: Work;
  /** The archives' folder, bound read-only at /archive. */
  readonly archives: string;
  /** Where to make the run's memory cgroup (none when null). */
  readonly cgroups: MemoryCgroups | null;
  /** Sample the tmpfs usage while the method runs (slows it: not for timed runs). */
  readonly sample?: boolean;
  /** Stop the run after this many seconds (default 600): status -1. */
  readonly timeoutSeconds?: number;
}

const nums = (text: string): number[] => text.trim().split(/\s+/).map(Number);

/**
 * Runs `method` once in a fresh sandbox and returns what it measured
 * (status -1 when it ran past `timeoutSeconds` and was stopped); throws
 * when the sandbox itself could not be built.
 *
 * @example
 * ```ts ignore
 * import { runMethod } from "./sandbox.ts";
 * const run = await runMethod(method, { work, archives: "/srv/archives", cgroups: null });
 * console.log(run.seconds, run.entries);
 * ```
 */
export async function runMethod(method: Method, options: RunOptions): Promise<Run> {
  const { work } = options;
  const script = `${work.dir}/files/bench/methods/${method.id}.sh`;
  await Deno.writeTextFile(script, `${method.script}\n`);
  await Deno.writeTextFile(
    `${work.dir}/files/bench/methods/${method.id}.tree`,
    `${method.tree ?? "/sysroot"}\n`,
  );
  const box = await Deno.makeTempDir({ dir: work.dir, prefix: "box-" });
  await Deno.mkdir(`${box}/root`);
  await Deno.mkdir(`${box}/out`);
  const cg = options.cgroups === null ? null : await makeCgroup(options.cgroups);
  try {
    // --kill-child: when unshare is killed (a run past its time; it blocks SIGTERM while it
    // waits), the namespace's first process is killed, and with it every process of the run.
    const child = new Deno.Command("unshare", {
      args: [
        "-m",
        "-p",
        "-f",
        "--kill-child",
        ...(method.http ? ["-n"] : []),
        "--propagation",
        "private",
        "sh",
        new URL("setup.sh", HERE).pathname,
        work.dir,
        box,
        options.archives,
        cg ?? "-",
        method.id,
        method.http ? String(HTTP_PORT) : "-",
        options.sample ? "1" : "0",
      ],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    let timedOut = false;
    const limit = options.timeoutSeconds ?? 600;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, limit * 1000);
    const ran = await child.output().finally(() => clearTimeout(timer));
    if (timedOut) {
      return {
        seconds: limit,
        status: -1,
        error: `did not finish within ${limit} s (stopped)`,
        inodes: 0,
        entries: 0,
        before: [0, 0, 0],
        after: [0, 0, 0],
        sampled: null,
        memory: null,
      };
    }
    const read = (name: string) => Deno.readTextFile(`${box}/out/${name}`).catch(() => undefined);
    const time = await read("time");
    if (time === undefined) {
      const stderr = new TextDecoder().decode(ran.stderr).trim();
      throw new Error(
        `The sandbox for ${method.id} failed: ${stderr.split("\n").at(-1) || `status ${ran.code}`}`,
      );
    }
    const [t0, t1, status] = nums(time) as [number, number, number];
    const stderr = (await read("stderr")) ?? "";
    const memoryFiles: Record<string, string> = {};
    for await (const e of Deno.readDir(`${box}/out`)) {
      if (e.name.startsWith("memory.")) memoryFiles[e.name] = (await read(e.name))!;
    }
    const sample = await read("sample");
    const s = sample === undefined ? null : nums(sample);
    return {
      seconds: t1 - t0,
      status,
      error: status === 0 ? null : stderr.trim().slice(-2000) || `status ${status}`,
      inodes: nums((await read("inodes")) ?? "0")[0]!,
      entries: nums((await read("entries")) ?? "0")[0]!,
      before: nums((await read("df.before")) ?? "0 0 0") as [number, number, number],
      after: nums((await read("df.after")) ?? "0 0 0") as [number, number, number],
      sampled: s === null ? null : { max: [s[0]!, s[1]!, s[2]!], looks: s[3]! },
      memory: memoryUse(memoryFiles),
      progressLines: nums((await read("progress")) ?? "0")[0]!,
    };
  } finally {
    if (cg !== null) await removeCgroup(cg);
    await Deno.remove(box, { recursive: true });
  }
}
