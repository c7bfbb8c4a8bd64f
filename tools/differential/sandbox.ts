/**
 * Runs scenarios through the emitted hooks in a sandbox: a new mount and
 * PID namespace (`unshare`), a tmpfs root with the host's /usr read-only,
 * the module's files where dracut installs them, stub commands that log to
 * a FIFO at /dev/kmsg, and a driver that plays dracut's init or systemd.
 * Every scenario of a batch runs in one shell process, one after another.
 *
 * @module
 */
import { BOOT } from "@tmpfs-root/model";
import { compileModule, type Placement } from "@tmpfs-root/compiler";
import { requireProgram } from "@tmpfs-root/shell";
import type { Scenario } from "./scenario.ts";
import { type Entry, scenarioFiles, Volumes } from "./scenario_files.ts";

/** The shells the hooks run under. */
export type ShellName = "dash" | "busybox";

/** How each shell is started inside the sandbox. */
export const SHELL_COMMAND: Readonly<Record<ShellName, string>> = {
  dash: "/bin/dash",
  busybox: "/bin/busybox sh",
};

/**
 * What one scenario left: its log (kmsg and stub lines, in order), its
 * stray stderr and its /run/tmpfs-root/report.json (`null`: none).
 */
export interface ShellRun {
  readonly log: string;
  readonly stderr: string;
  readonly report?: string | null;
}

/**
 * Where each module file goes in the initramfs, from the compiler's own
 * placement data (what module-setup.sh installs, as data): hooks to
 * lib/dracut/hooks/<hook>/<priority>-<name>, the systemd generator to
 * lib/systemd-generators/, the rest where module-setup.sh puts them.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { BOOT } from "@tmpfs-root/model";
 * import { compileModule } from "@tmpfs-root/compiler";
 * import { placements } from "./sandbox.ts";
 * const places = placements(compileModule(BOOT).placement);
 * assert.equal(places.get("tmpfs-root-mount.sh"), "lib/dracut/hooks/mount/50-tmpfs-root-mount.sh");
 * assert.equal(places.get("tmpfs-root-lib.sh"), "lib/tmpfs-root-lib.sh");
 * ```
 */
export function placements(place: Placement): Map<string, string> {
  const places = new Map<string, string>();
  for (const h of place.hooks) {
    places.set(h.file, `lib/dracut/hooks/${h.hook}/${h.priority}-${h.file}`);
  }
  for (const l of place.libs) places.set(l.file, l.to.replace(/^\/+/, ""));
  for (const f of place.systemd) {
    places.set(
      f.file,
      f.to.includes("/system-generators/")
        ? `lib/systemd-generators/${f.to.slice(f.to.lastIndexOf("/") + 1)}`
        : f.to.replace(/^\/+/, ""),
    );
  }
  return places;
}

/**
 * The driver's variables for where each hook and systemd script is, from the
 * placement data: `hook_<dracut hook>` (`hook_initqueue_finished`),
 * `systemd_generator` and `systemd_unpack`.
 */
function hookVariables(place: Placement, places: ReadonlyMap<string, string>): string {
  const at = (file: string) => `/${places.get(file)}`;
  const generator = place.systemd.find((f) => f.to.includes("/system-generators/"));
  const unpack = place.systemd.find((f) => f.executable && f !== generator);
  if (generator === undefined || unpack === undefined) {
    throw new TypeError("The module installs no systemd generator or unpack script");
  }
  return [
    ...place.hooks.map((h) => `hook_${h.hook.replace(/[^a-z]/g, "_")}=${at(h.file)}`),
    `systemd_generator=${at(generator.file)}`,
    `systemd_unpack=${at(unpack.file)}`,
  ].join("\n") + "\n";
}

const HERE = new URL("./sandbox/", import.meta.url);
const MODULE = new URL("../../module/90tmpfs-root/", import.meta.url);

/**
 * The committed module's files (module/90tmpfs-root), by name.
 *
 * @example
 * ```ts
 * import { committedModule } from "./sandbox.ts";
 * (await committedModule()).has("tmpfs-root-lib.sh"); // true
 * ```
 */
export async function committedModule(): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for await (const e of Deno.readDir(MODULE)) {
    if (e.isFile) files.set(e.name, await Deno.readTextFile(new URL(e.name, MODULE)));
  }
  return files;
}

// Synchronous: a batch has thousands of small files, and each async call's round trip
// costs more than the write itself.
function write(path: string, entry: Entry, made: Set<string>): void {
  const dir = path.slice(0, path.lastIndexOf("/"));
  if (!made.has(dir)) {
    Deno.mkdirSync(dir, { recursive: true });
    made.add(dir);
  }
  if (typeof entry === "string") Deno.writeTextFileSync(path, entry);
  else if (entry instanceof Uint8Array) Deno.writeFileSync(path, entry);
  else Deno.symlinkSync(entry.symlink, path);
}

let placement: Placement | undefined;

/** The sandbox's fixed files: the module, the stub dracut library, the stubs and the driver. */
async function fixedFiles(module: ReadonlyMap<string, string>): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  // Compiled once, not for every batch: it takes longer than writing a batch's files.
  const place = (placement ??= compileModule(BOOT).placement);
  const places = placements(place);
  files.set("hooks.sh", hookVariables(place, places));
  for (const [name, text] of module) {
    const place = places.get(name);
    if (place !== undefined) files.set(place, text);
  }
  for (const needed of ["lib/tmpfs-root-lib.sh", "lib/systemd-generators/tmpfs-root-generator"]) {
    if (![...places.values()].includes(needed)) {
      throw new TypeError(`module-setup.sh does not install ${needed}`);
    }
  }
  const stubLib = await Deno.readTextFile(new URL("stub/_lib.sh", HERE));
  files.set("stub/_lib.sh", stubLib);
  for await (const e of Deno.readDir(new URL("stub/", HERE))) {
    if (e.name.startsWith("_")) continue;
    const body = await Deno.readTextFile(new URL(`stub/${e.name}`, HERE));
    const text = `#!/bin/busybox sh\n. /stub/_lib.sh\n${body}`;
    if (e.name === "pwned") files.set("bin/pwned", text);
    else files.set(`stub/${e.name}`, text);
  }
  files.set("lib/dracut-lib.sh", await Deno.readTextFile(new URL("dracut-lib.sh", HERE)));
  files.set("driver.sh", await Deno.readTextFile(new URL("driver.sh", HERE)));
  return files;
}

/** The host programs the sandbox needs (checked once). */
const PROGRAMS = [
  "unshare",
  "busybox",
  "dash",
  "tar",
  "gzip",
  "xz",
  "zstd",
  "bzip2",
  "lz4",
  "sha256sum",
];
let programs: Promise<void> | undefined;

/** A batch of scenarios written for the sandboxes, which each shell runs in its own. */
export interface Batch {
  /** The work folder: files, scen, vols, and a folder per shell. */
  readonly work: string;
  /** The scenarios' folder names, in order. */
  readonly names: readonly string[];
}

/**
 * Writes `scenarios` (and the sandbox's fixed files, with `module`'s files:
 * default the committed module) to a new work folder, for
 * {@linkcode runBatch}; {@linkcode removeBatch} removes it.
 */
export async function prepareBatch(
  scenarios: readonly Scenario[],
  module?: ReadonlyMap<string, string>,
): Promise<Batch> {
  programs ??= (async () => {
    for (const p of PROGRAMS) await requireProgram(p);
  })();
  await programs;
  // In /dev/shm (a tmpfs) when there is one: a batch is thousands of small files, which a disk's
  // file system is slow to create and remove.
  const work = await Deno.makeTempDir({ dir: "/dev/shm", prefix: "tmpfs-root-diff-" })
    .catch(() => Deno.makeTempDir({ prefix: "tmpfs-root-diff-" }));
  try {
    const made = new Set<string>();
    for (const [path, text] of await fixedFiles(module ?? await committedModule())) {
      write(`${work}/files/${path}`, text, made);
    }
    const volumes = new Volumes();
    const names = scenarios.map((_, i) => String(i).padStart(6, "0"));
    for (const [i, s] of scenarios.entries()) {
      const { files } = await scenarioFiles(s, volumes);
      for (const [path, entry] of files) {
        write(`${work}/scen/${names[i]}/${path}`, entry, made);
      }
    }
    Deno.mkdirSync(`${work}/vols`);
    for (const [id, tree] of volumes.trees.entries()) {
      Deno.mkdirSync(`${work}/vols/${id}`);
      for (const [path, bytes] of Object.entries(tree)) {
        write(`${work}/vols/${id}/${path}`, bytes, made);
      }
    }
    return { work, names };
  } catch (e) {
    await Deno.remove(work, { recursive: true });
    throw e;
  }
}

/** Removes a batch's work folder. */
export async function removeBatch(batch: Batch): Promise<void> {
  await Deno.remove(batch.work, { recursive: true });
}

/**
 * Runs a batch's scenarios under `shell`, in one sandbox (and one shell
 * process); returns the runs in the scenarios' order.
 */
export async function runBatch(batch: Batch, shell: ShellName): Promise<ShellRun[]> {
  const { work, names } = batch;
  const box = `${work}/${shell}`;
  Deno.mkdirSync(`${box}/root`, { recursive: true });
  Deno.mkdirSync(`${box}/out`);
  const out = await new Deno.Command("unshare", {
    args: [
      "--mount",
      "--pid",
      "--fork",
      "--kill-child",
      "--propagation",
      "private",
      "sh",
      new URL("setup.sh", HERE).pathname,
      work,
      box,
      SHELL_COMMAND[shell],
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    throw new Error(
      `The ${shell} sandbox failed (status ${out.code}): ${
        new TextDecoder().decode(out.stderr).slice(-2000)
      }`,
    );
  }
  const read = (path: string) => {
    try {
      return Deno.readTextFileSync(path);
    } catch {
      return "<missing>";
    }
  };
  const report = (path: string) => {
    try {
      return Deno.readTextFileSync(path);
    } catch {
      return null;
    }
  };
  return names.map((name) => ({
    log: read(`${box}/out/${name}.log`),
    stderr: read(`${box}/out/${name}.err`),
    report: report(`${box}/out/${name}.json`),
  }));
}

/**
 * Runs `scenarios` under each of `shells`, one sandbox (and one shell
 * process) per shell, all at once; returns each shell's runs in the
 * scenarios' order. `module` maps module file names to their text
 * (default: the committed module).
 *
 * @example
 * ```ts ignore
 * import { runSandbox } from "./sandbox.ts";
 * const vm = { flavour: "classic", ram: 1 << 20, disks: [], lvm: [], nfs: [], web: [] } as const;
 * const runs = await runSandbox(["dash"], [{ cmdline: "quiet", vm, fault: { kind: "none" } }]);
 * runs.get("dash")![0]!.log; // "$ inactive\n"
 * ```
 */
export async function runSandbox(
  shells: readonly ShellName[],
  scenarios: readonly Scenario[],
  module?: ReadonlyMap<string, string>,
): Promise<Map<ShellName, ShellRun[]>> {
  const batch = await prepareBatch(scenarios, module);
  try {
    const runs = await Promise.allSettled(shells.map((shell) => runBatch(batch, shell)));
    return new Map(shells.map((shell, i) => {
      const r = runs[i]!;
      if (r.status === "rejected") throw r.reason;
      return [shell, r.value];
    }));
  } finally {
    await removeBatch(batch);
  }
}
