/**
 * The guest kernel: a Debian `linux-image-6.1.0-NN-amd64-unsigned` package,
 * downloaded and unpacked into `.cache/kernel/` without touching the host's
 * `/boot` or `/lib/modules`.
 *
 * @module
 */
import $ from "dax";
import { CACHE_DIR, exists, writeAtomic } from "./_paths.ts";

/** An unpacked guest kernel. */
export interface Kernel {
  /** Kernel release, e.g. `6.1.0-56-amd64`. */
  readonly kver: string;
  /** Absolute path of the kernel image. */
  readonly vmlinuz: string;
  /** Absolute path of `lib/modules/<kver>` (depmod already run), for `dracut --kmoddir`. */
  readonly moddir: string;
}

const KERNEL_DIR = `${CACHE_DIR}/kernel`;
const PACKAGE_RE = /^linux-image-(6\.1\.0-\d+-amd64)-unsigned$/;

/** Lists the candidate kernel packages apt knows about, newest first. */
async function candidates(): Promise<string[]> {
  const out =
    await $`apt-cache search --names-only ${"^linux-image-6\\.1\\.0-[0-9]+-amd64-unsigned$"}`
      .noThrow().stderr("null").text();
  const names = out.split("\n").map((l) => l.split(" ")[0] ?? "").filter((n) => PACKAGE_RE.test(n));
  const abi = (n: string) => Number(/6\.1\.0-(\d+)-/.exec(n)?.[1] ?? "0");
  return names.sort((a, b) => abi(b) - abi(a));
}

/** Returns the kernel cached by an earlier run, newest first, if any. */
async function cachedKernels(): Promise<Kernel[]> {
  const found: Kernel[] = [];
  if (!(await exists(KERNEL_DIR))) return found;
  for await (const entry of Deno.readDir(KERNEL_DIR)) {
    const stamp = `${KERNEL_DIR}/${entry.name}/kernel.json`;
    if (entry.isDirectory && (await exists(stamp))) {
      found.push(JSON.parse(await Deno.readTextFile(stamp)) as Kernel);
    }
  }
  const abi = (k: Kernel) => Number(/6\.1\.0-(\d+)-/.exec(k.kver)?.[1] ?? "0");
  return found.sort((a, b) => abi(b) - abi(a));
}

/**
 * Makes sure the newest Debian 6.1 kernel is unpacked under `.cache/kernel/`
 * and returns its paths. Idempotent: a kernel unpacked by an earlier run is
 * reused; when apt knows no candidate (no package lists), the newest cached
 * kernel is used.
 *
 * @example
 * ```ts ignore
 * const { kver, vmlinuz, moddir } = await ensureKernel();
 * ```
 */
export async function ensureKernel(): Promise<Kernel> {
  const cached = await cachedKernels();
  const pkgs = await candidates();
  const pkg = pkgs[0];
  if (pkg === undefined) {
    const newest = cached[0];
    if (newest) return newest;
    throw new Error(
      "No kernel package found: apt-cache knows no linux-image-6.1.0-NN-amd64-unsigned (run apt-get update)",
    );
  }
  const kver = PACKAGE_RE.exec(pkg)?.[1] ?? "";
  const hit = cached.find((k) => k.kver === kver);
  if (hit) return hit;

  await Deno.mkdir(KERNEL_DIR, { recursive: true });
  const work = await Deno.makeTempDir({ dir: KERNEL_DIR, prefix: ".unpack-" });
  try {
    await $`apt-get download ${pkg}`.cwd(work).quiet();
    const debs: string[] = [];
    for await (const e of Deno.readDir(work)) if (e.name.endsWith(".deb")) debs.push(e.name);
    const deb = debs[0];
    if (deb === undefined) throw new Error(`Download of "${pkg}" produced no .deb`);
    await $`dpkg -x ${`${work}/${deb}`} ${`${work}/root`}`;
    await Deno.remove(`${work}/${deb}`);
    // Debian 12 ships modules in /lib/modules; newer releases in /usr/lib/modules.
    let base = `${work}/root`;
    if (
      !(await exists(`${base}/lib/modules/${kver}`)) &&
      await exists(`${base}/usr/lib/modules/${kver}`)
    ) {
      base = `${work}/root/usr`;
    }
    await $`depmod -b ${base} ${kver}`;
    const final = `${KERNEL_DIR}/${kver}`;
    const rel = base === `${work}/root` ? "root" : "root/usr";
    const kernel: Kernel = {
      kver,
      vmlinuz: `${final}/root/boot/vmlinuz-${kver}`,
      moddir: `${final}/${rel}/lib/modules/${kver}`,
    };
    await writeAtomic(`${work}/kernel.json`, JSON.stringify(kernel, null, 2) + "\n");
    await Deno.remove(final, { recursive: true }).catch(() => {});
    await Deno.rename(work, final);
    return kernel;
  } catch (e) {
    await Deno.remove(work, { recursive: true }).catch(() => {});
    throw e;
  }
}

if (import.meta.main) {
  console.log(JSON.stringify(await ensureKernel(), null, 2));
}
