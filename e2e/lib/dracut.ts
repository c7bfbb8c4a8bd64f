/**
 * Builds test initramfs images with the host's dracut, the guest kernel's
 * modules and our module, without touching the host's dracut configuration:
 * a private `dracutbasedir` (symlinks to `/usr/lib/dracut` plus
 * `modules.d/90tmpfs-root`), `--conf /dev/null` and an empty `--confdir`.
 *
 * @module
 */
import $ from "dax";
import { KIND_LEFT_OUT } from "@tmpfs-root/model";
import { hashTree, sha256Hex } from "./_hash.ts";
import { CACHE_DIR, exists, moduleDir, writeAtomic } from "./_paths.ts";
import { type Distro, type DistroRoot, ensureDistroRoot } from "./distro.ts";
import { ensureKernel, type Kernel } from "./kernel.ts";

/** dracut's init flavour: the classic shell init or the systemd initrd. */
export type Flavour = "classic" | "systemd";

/** What to build. */
export interface InitramfsOptions {
  /** `classic` omits systemd; `systemd` builds a systemd initrd. */
  readonly flavour: Flavour;
  /** `dracut -H` (host-only) instead of the default `-N`. */
  readonly hostonly?: boolean;
  /** Extra dracut modules to add (e.g. `["lvm"]`, `["nfs", "network-legacy"]`). */
  readonly modules?: readonly string[];
  /** Extra kernel drivers to add (`--add-drivers`). */
  readonly drivers?: readonly string[];
  /** A kernel command line baked into the image (`--kernel-cmdline`). */
  readonly cmdline?: string;
  /**
   * Build with dracut's default module set (`-a tmpfs-root` only) instead of
   * the minimal `-m` list: slower (about 20 s) and bigger, closer to a
   * distribution's initramfs.
   */
  readonly full?: boolean;
  /** Further dracut arguments, appended last. */
  readonly extraArgs?: readonly string[];
  /**
   * Public keys to bake in, as a dracut.conf file names them
   * (`tmpfs_root_pubkeys+=" KEY "`): the image then boots only signed archives.
   */
  readonly pubkeys?: readonly string[];
  /** More lines of a dracut.conf file (e.g. `tmpfs_root_decompressors="zstd"`). */
  readonly conf?: readonly string[];
  /**
   * Build the same image without tmpfs-root (`--omit tmpfs-root`), to
   * measure what the module adds; only with `full`.
   */
  readonly withoutModule?: boolean;
  /**
   * Build inside this distribution's build root (`distro.ts`) with its own
   * dracut, for its own kernel, instead of the host's dracut and the 6.1
   * guest kernel. Absent: the host (Debian 12).
   */
  readonly distro?: Distro;
}

/** A built initramfs. */
export interface Initramfs {
  /** Absolute path of the image. */
  readonly path: string;
  /** Its size in bytes. */
  readonly size: number;
  /** Seconds the build took (0 when it came from the cache). */
  readonly buildSec: number;
  /** Whether it came from the cache. */
  readonly cached: boolean;
  /** The kernel image it goes with: the guest kernel's, or the distribution root's. */
  readonly kernel: string;
}

/** Drivers every test boot needs: virtio disks and network, ext4, and what LVM/NFS load. */
export const BASE_DRIVERS: readonly string[] = [
  "virtio_pci",
  "virtio_blk",
  "virtio_net",
  "ext4",
  "crc32c_generic",
];

/** Bump to invalidate every cached initramfs after a change to how they are built. */
const BUILD_VERSION = "1";

const INITRD_DIR = `${CACHE_DIR}/initrd`;

/**
 * Creates (idempotently) the private dracutbasedir for a module folder and
 * returns its path.
 */
async function ensureBaseDir(module: string): Promise<string> {
  const base = `${CACHE_DIR}/dracutbase/${(await sha256Hex(module)).slice(0, 12)}`;
  const modulesD = `${base}/modules.d`;
  await Deno.mkdir(modulesD, { recursive: true });
  const link = async (target: string, path: string) => {
    try {
      if ((await Deno.readLink(path)) === target) return;
      await Deno.remove(path);
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
    await Deno.symlink(target, path);
  };
  for await (const e of Deno.readDir("/usr/lib/dracut")) {
    if (e.name === "modules.d") continue;
    await link(`/usr/lib/dracut/${e.name}`, `${base}/${e.name}`);
  }
  for await (const e of Deno.readDir("/usr/lib/dracut/modules.d")) {
    if (e.name === "90tmpfs-root") continue;
    await link(`/usr/lib/dracut/modules.d/${e.name}`, `${modulesD}/${e.name}`);
  }
  await link(module, `${modulesD}/90tmpfs-root`);
  await Deno.mkdir(`${base}/empty-confdir`, { recursive: true });
  return base;
}

/** The dracut argument list for a build (without output path and kernel). */
export function dracutArgs(opts: InitramfsOptions): string[] {
  const modules = [...(opts.modules ?? [])];
  const args: string[] = [opts.hostonly ? "-H" : "-N"];
  if (opts.hostonly) args.push("--no-hostonly-cmdline");
  if (opts.full && opts.withoutModule) {
    if (modules.length > 0) args.push("-a", modules.join(" "));
    args.push("--omit", "tmpfs-root");
  } else if (opts.withoutModule) {
    throw new RangeError("withoutModule: only for an image of dracut's default module set (full)");
  } else if (opts.full) {
    args.push("-a", ["tmpfs-root", ...modules].join(" "));
  } else {
    const base = opts.flavour === "systemd"
      ? ["systemd", "systemd-initrd", "dracut-systemd", "base", "udev-rules"]
      : ["base", "udev-rules"];
    args.push("-m", [...base, "tmpfs-root", ...modules].join(" "));
  }
  // -a adds nothing beyond -m here, but keeps the intent ("we need tmpfs-root") explicit.
  if (!opts.full) args.push("-a", "tmpfs-root");
  if (opts.flavour === "classic") args.push("--omit", "systemd systemd-initrd dracut-systemd");
  args.push("--add-drivers", [...BASE_DRIVERS, ...(opts.drivers ?? [])].join(" "));
  if (opts.cmdline !== undefined) args.push("--kernel-cmdline", opts.cmdline);
  args.push(
    "--no-early-microcode",
    "--nostrip",
    "--no-compress",
    "--reproducible",
  );
  args.push(...(opts.extraArgs ?? []));
  return args;
}

/**
 * dracut's complaint when "network" picked systemd-networkd in a build without systemd:
 * dracut 059 says `depends on 'systemd-networkd'`, dracut-ng `depends on module 'systemd-networkd'`.
 */
/**
 * tmpfs-root's warning when dracut could not install a network kind's modules (the module then
 * leaves them out instead of failing the build).
 */
export const KIND_LEFT_OUT_RE: RegExp = new RegExp(`${KIND_LEFT_OUT} (nfs|http) sources`);

export const NETWORKD_RE: RegExp =
  /depends on (?:module )?'systemd-networkd', which can't be installed/;

/** Where one dracut run writes: its folder, its confdir and the image. */
interface RunPaths {
  readonly tmpdir: string;
  readonly confdir: string;
  readonly image: string;
}

/**
 * Runs one dracut build into a fresh temporary folder; the log goes to
 * `log`. The confdir is `emptyConfdir`, or, with lines of a dracut.conf file
 * (the public keys, other settings), a folder of the run's own with a file
 * that holds them.
 */
async function runDracutWith(
  log: string,
  conf: readonly string[],
  emptyConfdir: string | undefined,
  dracut: (p: RunPaths) => PromiseLike<{ code: number; combined: string }>,
): Promise<DracutRun> {
  const tmpdir = await Deno.makeTempDir({ dir: INITRD_DIR, prefix: ".tmp-" });
  const image = `${tmpdir}/initrd.img`;
  const confdir = conf.length === 0 && emptyConfdir ? emptyConfdir : `${tmpdir}/confdir`;
  if (confdir !== emptyConfdir) await Deno.mkdir(confdir);
  if (conf.length > 0) {
    await Deno.writeTextFile(`${confdir}/50-tmpfs-root.conf`, conf.map((l) => `${l}\n`).join(""));
  }
  const r = await dracut({ tmpdir, confdir, image });
  await Deno.writeTextFile(log, r.combined);
  if (r.code !== 0) await Deno.remove(tmpdir, { recursive: true }).catch(() => {});
  return { code: r.code, log: r.combined, image, tmpdir };
}

/** The lines of a dracut.conf file a build's options ask for: the public keys, then `conf`. */
function confLines(opts: InitramfsOptions): string[] {
  const keys = opts.pubkeys ?? [];
  return [
    ...(keys.length === 0 ? [] : [`tmpfs_root_pubkeys+=" ${keys.join(" ")} "`]),
    ...(opts.conf ?? []),
  ];
}

/** Runs one dracut build with the host's dracut and the private dracutbasedir `base`. */
function runDracut(
  base: string,
  k: Kernel,
  args: readonly string[],
  log: string,
  conf: readonly string[] = [],
): Promise<DracutRun> {
  return runDracutWith(
    log,
    conf,
    `${base}/empty-confdir`,
    ({ tmpdir, confdir, image }) =>
      $`dracut --force --conf /dev/null --confdir ${confdir} --tmpdir ${tmpdir} --kver ${k.kver} --kmoddir ${k.moddir} ${args} ${image}`
        .env({ dracutbasedir: base })
        .stdin("null")
        .noThrow()
        .captureCombined(),
  );
}

/**
 * Builds (or takes from `.cache/initrd/`) an initramfs for the guest kernel
 * with the tmpfs-root module and returns its path. The cache key covers the
 * module folder's contents, the options, the kernel and dracut's version.
 *
 * @example
 * ```ts ignore
 * const initrd = await buildInitramfs({ flavour: "systemd", modules: ["lvm"] });
 * ```
 */
export async function buildInitramfs(opts: InitramfsOptions, kernel?: Kernel): Promise<string> {
  return (await buildInitramfsInfo(opts, kernel)).path;
}

/**
 * Like {@linkcode buildInitramfs}, but returns the size, the build time and
 * whether the image came from the cache.
 *
 * @example
 * ```ts ignore
 * const initrd = await buildInitramfsInfo({ flavour: "classic" });
 * console.log(initrd.path, initrd.size);
 * ```
 */
export async function buildInitramfsInfo(
  opts: InitramfsOptions,
  kernel?: Kernel,
): Promise<Initramfs> {
  if (opts.distro !== undefined) return await buildInDistro(opts, opts.distro);
  const k = kernel ?? await ensureKernel();
  const module = await checkedModuleDir();
  const dracutVersion = (await $`dracut --version`.noThrow().text()).trim();
  return await cachedBuild(opts, {
    module,
    kernel: k.vmlinuz,
    argsFor: dracutArgs,
    keyed: { kver: k.kver, dracutVersion },
    networkLegacy: await hasNetworkLegacy("/usr/lib/dracut"),
    run: async (args, log) => runDracut(await ensureBaseDir(module), k, args, log, confLines(opts)),
  });
}

/** Whether a dracut folder has the network-legacy module (`modules.d/??network-legacy`). */
async function hasNetworkLegacy(dracutDir: string): Promise<boolean> {
  for await (const e of Deno.readDir(`${dracutDir}/modules.d`)) {
    if (/^\d\dnetwork-legacy$/.test(e.name)) return true;
  }
  return false;
}

/** The module folder, which must hold a module-setup.sh. */
async function checkedModuleDir(): Promise<string> {
  const module = moduleDir();
  if (!(await exists(`${module}/module-setup.sh`))) {
    throw new Error(`No dracut module at "${module}": expected module-setup.sh`);
  }
  return module;
}

/** What one dracut run left: its exit code, its log, the image and the folder it is in. */
interface DracutRun {
  readonly code: number;
  readonly log: string;
  readonly image: string;
  readonly tmpdir: string;
}

/** How {@linkcode cachedBuild} builds an image. */
interface BuildPlan {
  /** The module folder (its tree is hashed into the key). */
  readonly module: string;
  /** The kernel image the image goes with. */
  readonly kernel: string;
  /** dracut's arguments for some options. */
  readonly argsFor: (opts: InitramfsOptions) => string[];
  /** What else the key covers (the kernel, dracut's version, a distribution root). */
  readonly keyed: Readonly<Record<string, unknown>>;
  /** The distribution, named in the image's file name. */
  readonly distro?: Distro;
  /**
   * Whether dracut has the network-legacy module (dracut-ng 112 has none: without systemd,
   * only network-manager and connman bring the network).
   */
  readonly networkLegacy: boolean;
  /** Runs dracut with some arguments, its log to a file. */
  readonly run: (args: readonly string[], log: string) => Promise<DracutRun>;
}

/**
 * Takes an image from `.cache/initrd/` or builds it: the key covers the
 * module folder's contents, the arguments, the public keys' contents and the
 * plan's `keyed` values.
 */
async function cachedBuild(opts: InitramfsOptions, plan: BuildPlan): Promise<Initramfs> {
  const args = plan.argsFor(opts);
  const pubkeys = opts.pubkeys ?? [];
  const keys = await Promise.all(pubkeys.map((p) => Deno.readTextFile(p)));
  const key = (await sha256Hex(JSON.stringify({
    v: BUILD_VERSION,
    module: await hashTree(plan.module),
    args,
    keys,
    ...(opts.conf === undefined ? {} : { conf: opts.conf }),
    ...plan.keyed,
  }))).slice(0, 16);
  const out = `${INITRD_DIR}/${opts.flavour}${plan.distro ? `-${plan.distro}` : ""}${
    opts.hostonly ? "-hostonly" : ""
  }${pubkeys.length > 0 ? "-keys" : ""}-${key}.img`;
  if (await exists(out)) {
    const now = new Date();
    await Deno.utime(out, now, now); // keeps it from pruneInitramfs()
    const size = (await Deno.stat(out)).size;
    return { path: out, size, buildSec: 0, cached: true, kernel: plan.kernel };
  }
  await Deno.mkdir(INITRD_DIR, { recursive: true });
  const started = performance.now();
  let used = args;
  let r = await plan.run(used, `${out}.log`);
  if (
    opts.flavour === "classic" && plan.networkLegacy &&
    ((r.code !== 0 && NETWORKD_RE.test(r.log)) ||
      (r.code === 0 && KIND_LEFT_OUT_RE.test(r.log) &&
        !/--omit[\s\S]*network/.test(used.join(" "))))
  ) {
    // dracut's "network" module picks systemd-networkd whenever the host has it installed,
    // which a build without systemd cannot include (tmpfs-root then leaves the network out and
    // warns). A host with the classic init would have network-legacy: name it, so "network"
    // picks it.
    if (r.code === 0) await Deno.remove(r.tmpdir, { recursive: true }).catch(() => {});
    used = plan.argsFor({ ...opts, modules: [...(opts.modules ?? []), "network-legacy"] });
    r = await plan.run(used, `${out}.log`);
  }
  if (r.code !== 0) {
    throw new Error(
      `dracut${plan.distro ? ` (${plan.distro})` : ""} failed with exit code ${r.code}: ` +
        `see ${out}.log\n${r.log.slice(-2000)}`,
    );
  }
  await Deno.rename(r.image, out);
  await Deno.remove(r.tmpdir, { recursive: true }).catch(() => {});
  const buildSec = (performance.now() - started) / 1000;
  const size = (await Deno.stat(out)).size;
  await writeAtomic(
    `${out}.json`,
    JSON.stringify({ opts, args: used, size, buildSec }, null, 2) + "\n",
  );
  return { path: out, size, buildSec, cached: false, kernel: plan.kernel };
}

/**
 * Runs dracut inside a distribution's build root, in a private mount
 * namespace (`unshare -m`, nothing leaks to the host): /proc, /sys and /dev
 * mounted in the root, the cache folder bind-mounted at the same path (the
 * output, `--tmpdir`, the confdir and any file an argument names live there),
 * and the module folder bind-mounted as the root's
 * `/usr/lib/dracut/modules.d/90tmpfs-root`. Arguments: the root, the module
 * folder, the cache folder, then dracut's.
 */
export const CHROOT_DRACUT_SCRIPT = `set -eu
root=$1 module=$2 cache=$3
shift 3
mount -t proc proc "$root/proc"
mount -t sysfs sysfs "$root/sys"
mount --rbind /dev "$root/dev"
mkdir -p "$root$cache" "$root/usr/lib/dracut/modules.d/90tmpfs-root"
mount --bind "$cache" "$root$cache"
mount --bind "$module" "$root/usr/lib/dracut/modules.d/90tmpfs-root"
exec chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 dracut "$@"
`;

/**
 * The dracut arguments of a build inside a distribution's root: those of
 * {@linkcode dracutArgs}, less the drivers the root's kernel does not know
 * (`known`: the names of its modules and built-ins, `-` as `_`; empty keeps
 * every driver). dracut fails on a driver `--add-drivers` names that the
 * kernel has neither as a module nor built in, and newer kernels drop some
 * (crc32c_generic became part of the crc32c library in Linux 6.15).
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { distroDracutArgs } from "./dracut.ts";
 * const known = new Set(["virtio_pci", "virtio_blk", "virtio_net", "ext4"]);
 * const args = distroDracutArgs({ flavour: "classic", distro: "forky" }, known);
 * assert.equal(args[args.indexOf("--add-drivers") + 1], "virtio_pci virtio_blk virtio_net ext4");
 * ```
 */
export function distroDracutArgs(opts: InitramfsOptions, known: ReadonlySet<string>): string[] {
  const args = dracutArgs(opts);
  const i = args.indexOf("--add-drivers");
  if (i >= 0 && known.size > 0) {
    args[i + 1] = args[i + 1]!.split(" ").filter((d) => known.has(d.replaceAll("-", "_")))
      .join(" ");
  }
  return args;
}

/** The names of a kernel's modules and built-ins (`-` as `_`), from its modules.dep and modules.builtin. */
export async function kernelDriverNames(moddir: string): Promise<Set<string>> {
  const names = new Set<string>();
  for (const f of ["modules.dep", "modules.builtin"]) {
    const text = await Deno.readTextFile(`${moddir}/${f}`).catch(() => "");
    for (const line of text.split("\n")) {
      const path = line.split(":")[0] ?? "";
      const m = /([^/]+)\.ko(?:\.[a-z]+)?$/.exec(path);
      if (m) names.add(m[1]!.replaceAll("-", "_"));
    }
  }
  return names;
}

/** Runs one dracut build inside a distribution root (see {@linkcode CHROOT_DRACUT_SCRIPT}). */
function runDracutInRoot(
  root: DistroRoot,
  module: string,
  args: readonly string[],
  log: string,
  conf: readonly string[],
): Promise<DracutRun> {
  // The confdir lies in the run's folder, under the cache folder the root sees.
  return runDracutWith(
    log,
    conf,
    undefined,
    ({ tmpdir, confdir, image }) =>
      $`unshare -m --propagation private sh -c ${CHROOT_DRACUT_SCRIPT} sh ${root.root} ${module} ${CACHE_DIR} --force --conf /dev/null --confdir ${confdir} --tmpdir ${tmpdir} --kver ${root.kver} ${args} ${image}`
        .stdin("null")
        .noThrow()
        .captureCombined(),
  );
}

/**
 * Builds (or takes from the cache) an initramfs inside a distribution's
 * build root, with its dracut, for its kernel. The cache key covers the
 * module folder, the arguments, the keys and the root (its key and versions).
 */
async function buildInDistro(opts: InitramfsOptions, distro: Distro): Promise<Initramfs> {
  const root = await ensureDistroRoot(distro);
  const module = await Deno.realPath(await checkedModuleDir());
  const known = await kernelDriverNames(`${root.root}/usr/lib/modules/${root.kver}`);
  return await cachedBuild(opts, {
    module,
    kernel: root.vmlinuz,
    argsFor: (o) => distroDracutArgs(o, known),
    keyed: { distro, root: root.root, versions: root.versions },
    networkLegacy: await hasNetworkLegacy(`${root.root}/usr/lib/dracut`),
    distro,
    run: (args, log) => runDracutInRoot(root, module, args, log, confLines(opts)),
  });
}

/**
 * Deletes cached initramfs images (and their logs) unused for `maxAgeDays`:
 * every change to the module folder makes new ones.
 *
 * @example
 * ```ts ignore
 * await pruneInitramfs(2);
 * ```
 */
export async function pruneInitramfs(maxAgeDays = 2): Promise<number> {
  if (!(await exists(INITRD_DIR))) return 0;
  const limit = Date.now() - maxAgeDays * 86_400_000;
  let removed = 0;
  for await (const e of Deno.readDir(INITRD_DIR)) {
    if (!e.isFile || !e.name.endsWith(".img")) continue;
    const path = `${INITRD_DIR}/${e.name}`;
    const st = await Deno.stat(path);
    if ((st.mtime?.getTime() ?? 0) >= limit) continue;
    for (const f of [path, `${path}.log`, `${path}.json`]) await Deno.remove(f).catch(() => {});
    removed++;
  }
  return removed;
}

if (import.meta.main) {
  const flavour = (Deno.args[0] ?? "classic") as Flavour;
  const hostonly = Deno.args.includes("--hostonly");
  console.log(JSON.stringify(await buildInitramfsInfo({ flavour, hostonly }), null, 2));
}
