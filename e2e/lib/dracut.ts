/**
 * Builds test initramfs images with the host's dracut, the guest kernel's
 * modules and our module, without touching the host's dracut configuration:
 * a private `dracutbasedir` (symlinks to `/usr/lib/dracut` plus
 * `modules.d/90tmpfs-root`), `--conf /dev/null` and an empty `--confdir`.
 *
 * @module
 */
import $ from "dax";
import { hashTree, sha256Hex } from "./_hash.ts";
import { CACHE_DIR, exists, moduleDir, writeAtomic } from "./_paths.ts";
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
  if (opts.full) {
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

/** dracut's complaint when "network" picked systemd-networkd in a build without systemd. */
const NETWORKD_RE = /depends on 'systemd-networkd', which can't be installed/;

/** Runs one dracut build into a fresh temporary folder; the log goes to `log`. */
async function runDracut(
  base: string,
  k: Kernel,
  args: readonly string[],
  log: string,
  pubkeys: readonly string[] = [],
  conf: readonly string[] = [],
): Promise<{ code: number; log: string; image: string; tmpdir: string }> {
  const tmpdir = await Deno.makeTempDir({ dir: INITRD_DIR, prefix: ".tmp-" });
  const image = `${tmpdir}/initrd.img`;
  // The keys, and any other setting, as a dracut.conf file of their own names them.
  const lines = [
    ...(pubkeys.length === 0 ? [] : [`tmpfs_root_pubkeys+=" ${pubkeys.join(" ")} "`]),
    ...conf,
  ];
  const confdir = lines.length === 0 ? `${base}/empty-confdir` : `${tmpdir}/confdir`;
  if (lines.length > 0) {
    await Deno.mkdir(confdir);
    await Deno.writeTextFile(`${confdir}/50-tmpfs-root.conf`, lines.map((l) => `${l}\n`).join(""));
  }
  const r =
    await $`dracut --force --conf /dev/null --confdir ${confdir} --tmpdir ${tmpdir} --kver ${k.kver} --kmoddir ${k.moddir} ${args} ${image}`
      .env({ dracutbasedir: base })
      .stdin("null")
      .noThrow()
      .captureCombined();
  await Deno.writeTextFile(log, r.combined);
  if (r.code !== 0) await Deno.remove(tmpdir, { recursive: true }).catch(() => {});
  return { code: r.code, log: r.combined, image, tmpdir };
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
  const k = kernel ?? await ensureKernel();
  const module = moduleDir();
  if (!(await exists(`${module}/module-setup.sh`))) {
    throw new Error(`No dracut module at "${module}": expected module-setup.sh`);
  }
  const args = dracutArgs(opts);
  const dracutVersion = (await $`dracut --version`.noThrow().text()).trim();
  const pubkeys = opts.pubkeys ?? [];
  const keys = await Promise.all(pubkeys.map((p) => Deno.readTextFile(p)));
  const key = (await sha256Hex(JSON.stringify({
    v: BUILD_VERSION,
    module: await hashTree(module),
    args,
    keys,
    ...(opts.conf === undefined ? {} : { conf: opts.conf }),
    kver: k.kver,
    dracutVersion,
  }))).slice(0, 16);
  const out = `${INITRD_DIR}/${opts.flavour}${opts.hostonly ? "-hostonly" : ""}${
    pubkeys.length > 0 ? "-keys" : ""
  }-${key}.img`;
  if (await exists(out)) {
    const now = new Date();
    await Deno.utime(out, now, now); // keeps it from pruneInitramfs()
    return { path: out, size: (await Deno.stat(out)).size, buildSec: 0, cached: true };
  }
  await Deno.mkdir(INITRD_DIR, { recursive: true });
  const base = await ensureBaseDir(module);
  const started = performance.now();
  let used = args;
  const conf = opts.conf ?? [];
  let r = await runDracut(base, k, used, `${out}.log`, pubkeys, conf);
  if (r.code !== 0 && opts.flavour === "classic" && NETWORKD_RE.test(r.log)) {
    // dracut's "network" module picks systemd-networkd whenever the host has it installed,
    // which a build without systemd cannot include. A host with the classic init would have
    // network-legacy: name it, so "network" picks it.
    used = dracutArgs({ ...opts, modules: [...(opts.modules ?? []), "network-legacy"] });
    r = await runDracut(base, k, used, `${out}.log`, pubkeys, conf);
  }
  if (r.code !== 0) {
    throw new Error(
      `dracut failed with exit code ${r.code}: see ${out}.log\n${r.log.slice(-2000)}`,
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
  return { path: out, size, buildSec, cached: false };
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
