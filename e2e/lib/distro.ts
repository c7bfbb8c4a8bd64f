/**
 * Build roots of newer Debian releases, made with `mmdebstrap` from Debian's
 * mirror: the root's own dracut (dracut-ng), systemd and kernel build the
 * initramfs of a distribution's real boots (see `dracut.ts`). Each root is
 * built once and cached under `CACHE_DIR/distro/`, keyed by the suite, the
 * package list and {@linkcode DISTRO_BUILD_VERSION}; a JSON beside it says the
 * versions that matter (dracut, systemd, the kernel, busybox).
 *
 * @module
 */
import $ from "dax";
import { sha256Hex } from "./_hash.ts";
import { CACHE_DIR, exists, writeAtomic } from "./_paths.ts";

/** A Debian release whose own dracut, systemd and kernel the real boots use. */
export type Distro = "trixie" | "forky";

/** Every distribution with a build root, oldest first. */
export const DISTROS: readonly Distro[] = ["trixie", "forky"];

/** What each distribution is, for the compatibility table. */
export const DISTRO_NAMES: Readonly<Record<Distro, string>> = {
  trixie: "Debian 13 (trixie)",
  forky: "Debian testing (forky)",
};

/** The only mirror the roots come from. */
export const DEBIAN_MIRROR = "http://deb.debian.org/debian";

/** Bump to rebuild every root after a change to how they are built. */
export const DISTRO_BUILD_VERSION = "1";

/**
 * The packages a root gets beyond `--variant=minbase`: dracut and its network
 * modules, the init, a kernel, every decompressor and tool the module may
 * install, what the lvm and nfs modules need, and busybox (forky: as many
 * Debian systems have it; trixie: for the busybox-as-/bin/sh boots).
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { distroPackages } from "./distro.ts";
 * assert.ok(distroPackages("forky").includes("busybox"));
 * assert.ok(distroPackages("trixie").includes("linux-image-amd64"));
 * ```
 */
export function distroPackages(distro: Distro): string[] {
  const common = [
    "dracut",
    "dracut-network",
    "systemd",
    "systemd-sysv",
    "udev",
    "linux-image-amd64",
    "tar",
    "gzip",
    "xz-utils",
    "zstd",
    "bzip2",
    "lz4",
    "pigz",
    "curl",
    "ca-certificates",
    "nfs-common",
    "lvm2",
    "openssl",
    "kmod",
    "util-linux",
  ];
  switch (distro) {
    case "trixie":
      // isc-dhcp-client: network-legacy's DHCP client, for the classic flavour's network boots.
      return [...common, "isc-dhcp-client", "busybox"];
    case "forky":
      // forky has no isc-dhcp-client any more, and its dracut (112) no network-legacy: the
      // classic flavour's network comes from NetworkManager (dracut's network-manager module
      // runs it from initqueue hooks, without systemd). Its util-linux no longer has
      // switch_root, which the classic flavour's init runs: util-linux-extra has it (without
      // it, dracut's base module fails to install it and the image stops at the switch).
      return [...common, "busybox", "network-manager", "util-linux-extra"];
    default: {
      const never: never = distro;
      throw new TypeError(`Unknown distribution "${never}"`);
    }
  }
}

/** The versions in a root that the compatibility table names. */
export interface DistroVersions {
  /** dracut's package version (`dracut-core`, else `dracut`). */
  readonly dracut: string;
  /** systemd's package version. */
  readonly systemd: string;
  /** The kernel release (`/lib/modules/<kver>`). */
  readonly kernel: string;
  /** busybox's package version, or `""` when not installed. */
  readonly busybox: string;
}

/** A built root. */
export interface DistroRoot {
  readonly distro: Distro;
  /** The root folder. */
  readonly root: string;
  /** The kernel release. */
  readonly kver: string;
  /** The kernel image to boot (`<root>/boot/vmlinuz-<kver>`). */
  readonly vmlinuz: string;
  /** Package versions. */
  readonly versions: DistroVersions;
  /** The packages asked for. */
  readonly packages: readonly string[];
  /** The mmdebstrap command line, without the target. */
  readonly command: readonly string[];
  /** Seconds the cold build took. */
  readonly buildSec: number;
  /** The root's size in bytes (`du -s -B1`). */
  readonly bytes: number;
  /** When it was built (ISO 8601). */
  readonly built: string;
}

const DISTRO_DIR = `${CACHE_DIR}/distro`;

/**
 * Set (to anything) when `lib/distro_test.ts` must find the build roots: the
 * e2e run that built them runs it so, and a missing root fails it there
 * instead of leaving its checks ignored.
 */
export const ROOTS_REQUIRED_ENV = "TMPFS_ROOT_DISTRO_ROOTS_REQUIRED";

/** mmdebstrap's arguments for a root (the target folder last). */
export function mmdebstrapArgs(distro: Distro, target: string): string[] {
  return [
    "--mode=root",
    "--variant=minbase",
    `--include=${distroPackages(distro).join(",")}`,
    // testing's Release file may be stale.
    `--aptopt=Acquire::Check-Valid-Until "false"`,
    // No initramfs of the distribution's own: ours are built by the tests.
    `--customize-hook=rm -f "$1"/boot/initrd.img-*`,
    distro,
    target,
    DEBIAN_MIRROR,
  ];
}

/** The cache key of a root: the suite, the packages and the build version. */
export async function distroKey(distro: Distro): Promise<string> {
  return (await sha256Hex(JSON.stringify({
    v: DISTRO_BUILD_VERSION,
    distro,
    packages: distroPackages(distro),
    mirror: DEBIAN_MIRROR,
  }))).slice(0, 12);
}

/**
 * One package's version in a root (`/` for the host), or `""` when it is not installed.
 *
 * @example
 * ```ts ignore
 * await packageVersion("/", "dracut-core"); // "059-4"
 * ```
 */
export async function packageVersion(root: string, pkg: string): Promise<string> {
  const r = await $`dpkg-query --admindir=${`${
    root.replace(/\/$/, "")
  }/var/lib/dpkg`} -W -f=${"${Status}\t${Version}"} ${pkg}`
    .noThrow().stderr("null").text();
  const [status, version] = r.split("\t");
  return status === "install ok installed" ? version ?? "" : "";
}

/** The kernel release of a root: the only folder of `/usr/lib/modules` (or `/lib/modules`). */
async function kernelRelease(root: string): Promise<string> {
  for (const dir of [`${root}/usr/lib/modules`, `${root}/lib/modules`]) {
    if (!(await exists(dir))) continue;
    const names: string[] = [];
    for await (const e of Deno.readDir(dir)) if (e.isDirectory) names.push(e.name);
    if (names.length === 1) return names[0]!;
    if (names.length > 1) {
      throw new Error(`Root "${root}" has several kernels: ${names.sort().join(", ")}`);
    }
  }
  throw new Error(`Root "${root}" has no kernel under /usr/lib/modules`);
}

/** Reads the versions of a built root. */
export async function readVersions(root: string): Promise<DistroVersions> {
  const dracut = (await packageVersion(root, "dracut-core")) ||
    (await packageVersion(root, "dracut"));
  const busybox = (await packageVersion(root, "busybox")) ||
    (await packageVersion(root, "busybox-static"));
  return {
    dracut,
    systemd: await packageVersion(root, "systemd"),
    kernel: await kernelRelease(root),
    busybox,
  };
}

/** The folder and stamp of a distribution's cached root. */
async function paths(distro: Distro): Promise<{ dir: string; stamp: string; lock: string }> {
  const dir = `${DISTRO_DIR}/${distro}-${await distroKey(distro)}`;
  return { dir, stamp: `${dir}.json`, lock: `${DISTRO_DIR}/${distro}.lock` };
}

/** The cached root of a distribution, if it was built. */
export async function cachedDistroRoot(distro: Distro): Promise<DistroRoot | undefined> {
  const { stamp, dir } = await paths(distro);
  if (!(await exists(stamp)) || !(await exists(dir))) return undefined;
  return JSON.parse(await Deno.readTextFile(stamp)) as DistroRoot;
}

/**
 * Makes sure the build root of `distro` exists and returns it. Built once:
 * into a temporary folder, then renamed into place, under an exclusive lock
 * (`<cache>/distro/<distro>.lock`), so two processes that ask at once build
 * it once. Needs root and the network to Debian's mirror.
 *
 * @example
 * ```ts ignore
 * const trixie = await ensureDistroRoot("trixie");
 * console.log(trixie.versions.dracut, trixie.vmlinuz);
 * ```
 */
export async function ensureDistroRoot(
  distro: Distro,
  log: (line: string) => void = () => {},
): Promise<DistroRoot> {
  const hit = await cachedDistroRoot(distro);
  if (hit) return hit;
  const { dir, stamp, lock } = await paths(distro);
  await Deno.mkdir(DISTRO_DIR, { recursive: true });
  const lockFile = await Deno.open(lock, { create: true, write: true });
  try {
    await lockFile.lock(true);
    // Another process may have built it while this one waited.
    const built = await cachedDistroRoot(distro);
    if (built) return built;
    const work = await Deno.makeTempDir({ dir: DISTRO_DIR, prefix: `.build-${distro}-` });
    try {
      const target = `${work}/root`;
      const args = mmdebstrapArgs(distro, target);
      log(`setup: building the ${distro} root (mmdebstrap ${args.join(" ")})`);
      const started = performance.now();
      const r = await $`mmdebstrap ${args}`.stdin("null").noThrow().captureCombined();
      await Deno.writeTextFile(`${work}/mmdebstrap.log`, r.combined);
      if (r.code !== 0) {
        throw new Error(
          `mmdebstrap for "${distro}" failed with exit code ${r.code}:\n${r.combined.slice(-3000)}`,
        );
      }
      const buildSec = (performance.now() - started) / 1000;
      const versions = await readVersions(target);
      const bytes = Number((await $`du -s -B1 -x ${target}`.text()).split("\t")[0]);
      await Deno.remove(dir, { recursive: true }).catch(() => {});
      await Deno.rename(target, dir);
      await Deno.rename(`${work}/mmdebstrap.log`, `${dir}.log`);
      const info: DistroRoot = {
        distro,
        root: dir,
        kver: versions.kernel,
        vmlinuz: `${dir}/boot/vmlinuz-${versions.kernel}`,
        versions,
        packages: distroPackages(distro),
        command: ["mmdebstrap", ...args.slice(0, -2), DEBIAN_MIRROR],
        buildSec: Math.round(buildSec),
        bytes,
        built: new Date().toISOString(),
      };
      await writeAtomic(stamp, JSON.stringify(info, null, 2) + "\n");
      return info;
    } finally {
      await Deno.remove(work, { recursive: true }).catch(() => {});
    }
  } finally {
    await lockFile.unlock().catch(() => {});
    lockFile.close();
  }
}

if (import.meta.main) {
  const names = Deno.args.length ? Deno.args : DISTROS;
  for (const d of names) {
    if (!(DISTROS as readonly string[]).includes(d)) {
      throw new RangeError(`Invalid distribution "${d}": expected ${DISTROS.join(" or ")}`);
    }
    const r = await ensureDistroRoot(d as Distro, console.log);
    console.log(JSON.stringify(r, null, 2));
  }
}
