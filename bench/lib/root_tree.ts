/**
 * The root file systems the bench unpacks: a realistic Debian root made with
 * mmdebstrap, or a small synthetic tree for quick runs and tests. Both are
 * cached under the bench's cache folder, keyed by their inputs.
 *
 * @module
 */
import { MOUNT_POINTS } from "@tmpfs-root/image";
import { TAR_OPTIONS } from "@tmpfs-root/model";
import { bash, exec, exists, shortHash, shQuote } from "./_exec.ts";
import { xorshift } from "./stats.ts";

/** A root file system on disk, ready to be packed. */
export interface RootTree {
  /** `debian` (mmdebstrap) or `synthetic` (`--small`). */
  readonly kind: "debian" | "synthetic";
  /** The cache key: a hash of the inputs. */
  readonly key: string;
  /** The tree's folder. */
  readonly dir: string;
  /** One line saying what it is. */
  readonly description: string;
  /** What made it: the inputs, the tool versions, when. */
  readonly details: Readonly<Record<string, string | number | readonly string[]>>;
  /** Its size as `du --apparent-size` counts it, in bytes, and its entries (`find | wc -l`). */
  readonly bytes: number;
  readonly entries: number;
}

/** The realistic root of issue #13: Debian bookworm minbase with systemd, sshd and Python. */
export const DEBIAN_ROOT = {
  suite: "bookworm",
  variant: "minbase",
  include: ["systemd", "openssh-server", "python3"],
} as const;

/** An apt source file of this machine that names `suite`, with its text. */
export interface SourceFile {
  readonly path: string;
  readonly text: string;
}

/**
 * The machine's configured apt sources that name `suite` (one-line `.list`
 * files and deb822 `.sources` files): mmdebstrap is given these files, so the
 * root comes from the machine's own mirror.
 *
 * @example
 * ```ts ignore
 * import { hostSources } from "./root_tree.ts";
 * (await hostSources("bookworm")).map((s) => s.path); // ["/etc/apt/sources.list.d/debian.sources"]
 * ```
 */
export async function hostSources(suite: string, etc = "/etc/apt"): Promise<SourceFile[]> {
  const paths = [`${etc}/sources.list`];
  try {
    const names: string[] = [];
    for await (const e of Deno.readDir(`${etc}/sources.list.d`)) {
      if (/\.(list|sources)$/.test(e.name)) names.push(e.name);
    }
    paths.push(...names.sort().map((n) => `${etc}/sources.list.d/${n}`));
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  const word = new RegExp(`(^|[\\s])${suite}($|[\\s-])`, "m");
  const found: SourceFile[] = [];
  for (const path of paths) {
    let text;
    try {
      text = await Deno.readTextFile(path);
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) continue;
      throw e;
    }
    const live = text.split("\n").filter((l) => !/^\s*#/.test(l)).join("\n");
    if (word.test(live)) found.push({ path, text: live });
  }
  return found;
}

/** Counts a tree's apparent bytes and entries. */
async function measure(dir: string): Promise<{ bytes: number; entries: number }> {
  const out = await bash(
    `du -s -B1 --apparent-size ${shQuote(dir)} | cut -f1; find ${shQuote(dir)} -mindepth 1 | wc -l`,
  );
  const [bytes, entries] = out.trim().split("\n").map(Number);
  return { bytes: bytes!, entries: entries! };
}

/** Reads `<dir>/tree.json`, written when a cached tree was complete. */
async function cached(dir: string): Promise<RootTree | null> {
  try {
    return JSON.parse(await Deno.readTextFile(`${dir}/tree.json`)) as RootTree;
  } catch {
    return null;
  }
}

/** The installed version of each of `names` in a Debian tree (from its dpkg status). */
async function packageVersions(
  tree: string,
  names: readonly string[],
): Promise<{ versions: string[]; installed: number }> {
  const status = await Deno.readTextFile(`${tree}/var/lib/dpkg/status`);
  const versions: string[] = [];
  let installed = 0;
  for (const stanza of status.split(/\n\n+/)) {
    const field = (f: string) => stanza.match(new RegExp(`^${f}: (.*)$`, "m"))?.[1];
    if (field("Status") !== "install ok installed") continue;
    installed++;
    const name = field("Package");
    if (name !== undefined && names.includes(name)) versions.push(`${name} ${field("Version")}`);
  }
  return { versions: versions.sort(), installed };
}

/**
 * The Debian root of {@linkcode DEBIAN_ROOT}, made once with
 * `mmdebstrap --variant=minbase --include=systemd,openssh-server,python3
 * bookworm root.tar <the machine's sources>` and unpacked (owners, modes,
 * xattrs kept) into `<cache>/root-debian-<key>/tree`; the key is a hash of
 * the suite, variant, package list and the sources' text.
 *
 * @example
 * ```ts ignore
 * import { debianRoot } from "./root_tree.ts";
 * const root = await debianRoot("/var/cache/tmpfs-root/bench");
 * console.log(root.dir, root.bytes);
 * ```
 */
export async function debianRoot(
  cache: string,
  log: (line: string) => void = () => {},
): Promise<RootTree> {
  const { suite, variant, include } = DEBIAN_ROOT;
  const sources = await hostSources(suite);
  const key = await shortHash(JSON.stringify({ suite, variant, include, sources }));
  const dir = `${cache}/root-debian-${key}`;
  const done = await cached(dir);
  if (done !== null) return done;
  if (!(await exists("/usr/bin/mmdebstrap"))) {
    throw new Error("mmdebstrap is not installed: run `bash tools/install-deps.sh` as root");
  }
  await Deno.remove(dir, { recursive: true }).catch(() => {});
  await Deno.mkdir(dir, { recursive: true });
  const args = [
    `--variant=${variant}`,
    `--include=${include.join(",")}`,
    "--format=tar",
    `--logfile=${dir}/mmdebstrap.log`,
    suite,
    `${dir}/root.partial.tar`,
    ...sources.map((s) => s.path),
  ];
  log(`building the Debian root: mmdebstrap ${args.join(" ")}`);
  await exec("mmdebstrap", args);
  await Deno.rename(`${dir}/root.partial.tar`, `${dir}/root.tar`);
  await Deno.mkdir(`${dir}/tree.partial`);
  // The module's own tar options: the tree holds what a boot would unpack.
  await exec("tar", [...TAR_OPTIONS, "-f", `${dir}/root.tar`, "-C", `${dir}/tree.partial`]);
  await Deno.rename(`${dir}/tree.partial`, `${dir}/tree`);
  const mmdebstrap = (await exec("mmdebstrap", ["--version"])).stdout.trim();
  const { versions, installed } = await packageVersions(`${dir}/tree`, include);
  const tree: RootTree = {
    kind: "debian",
    key,
    dir: `${dir}/tree`,
    description: `Debian ${suite} ${variant} + ${
      include.join(" + ")
    } (mmdebstrap, ${installed} packages)`,
    details: {
      command: `mmdebstrap ${
        args.filter((a) => !a.startsWith("--logfile"))
          .map((a) => a === `${dir}/root.partial.tar` ? "root.tar" : a).join(" ")
      }`,
      suite,
      variant,
      include,
      sources: sources.map((s) => `${s.path}: ${s.text.replace(/\s+/g, " ").trim()}`),
      mmdebstrap,
      packages: installed,
      versions,
      built: new Date().toISOString(),
    },
    ...(await measure(`${dir}/tree`)),
  };
  await Deno.writeTextFile(`${dir}/tree.json`, JSON.stringify(tree, null, 2) + "\n");
  return tree;
}

/** The synthetic tree's generator version: bump it when the generator changes. */
const SYNTHETIC_VERSION = 2;

/** `size` bytes that compress about as well as programs and text do: words from a small vocabulary mixed with noise. */
function fileBytes(next: () => number, size: number): Uint8Array {
  const words = [
    "lib",
    "usr",
    "systemd",
    "0x00",
    "return",
    "static",
    "\n",
    "    ",
    "ELF",
    "=",
    ";",
  ];
  const out = new Uint8Array(size);
  let i = 0;
  while (i < size) {
    const r = next();
    if (r % 4 === 0) {
      out[i++] = r >>> 8 & 0xff;
    } else {
      const w = words[r % words.length]!;
      for (let j = 0; j < w.length && i < size; j++) out[i++] = w.charCodeAt(j);
    }
  }
  return out;
}

/**
 * A small synthetic root (about 16 MiB in some 650 entries: folders, files of
 * mixed sizes and compressibility, symlinks, a hard link, an init,
 * /etc/os-release and the mount points), for `--small` runs and the
 * bench's own test; cached in `<cache>/root-synthetic-<key>/tree`.
 *
 * @example
 * ```ts ignore
 * import { syntheticRoot } from "./root_tree.ts";
 * const root = await syntheticRoot("/tmp/bench-cache");
 * console.log(root.entries);
 * ```
 */
export async function syntheticRoot(cache: string): Promise<RootTree> {
  const key = await shortHash(JSON.stringify({ synthetic: SYNTHETIC_VERSION }));
  const dir = `${cache}/root-synthetic-${key}`;
  const done = await cached(dir);
  if (done !== null) return done;
  await Deno.remove(dir, { recursive: true }).catch(() => {});
  const t = `${dir}/tree.partial`;
  const next = xorshift(13);
  for (const d of ["etc", "usr/bin", "usr/sbin", "usr/share/doc", "var/lib", "root", "home"]) {
    await Deno.mkdir(`${t}/${d}`, { recursive: true });
  }
  // The mount points, so that packTree adds no block in front of tar's own stream: the
  // archive then ends on a tar record, as the Debian root's does (see bench/README.md).
  for (const { path, mode } of MOUNT_POINTS) {
    await Deno.mkdir(`${t}${path}`);
    await Deno.chmod(`${t}${path}`, mode);
  }
  for (const [link, target] of [["bin", "usr/bin"], ["sbin", "usr/sbin"], ["lib", "usr/lib"]]) {
    await Deno.symlink(target!, `${t}/${link}`);
  }
  await Deno.writeTextFile(`${t}/etc/os-release`, "ID=synthetic\nNAME=Synthetic\n");
  await Deno.writeTextFile(`${t}/usr/sbin/init`, "#!/bin/sh\nexec /bin/sh\n", { mode: 0o755 });
  for (let d = 0; d < 24; d++) {
    const sub = `usr/lib/pkg${d}`;
    await Deno.mkdir(`${t}/${sub}`, { recursive: true });
    for (let f = 0; f < 24; f++) {
      // Mostly small files, a few large ones, as in a real /usr.
      const r = next() % 100;
      const size = r < 70
        ? next() % 4096
        : r < 97
        ? 4096 + next() % 60_000
        : 200_000 + next() % 600_000;
      await Deno.writeFile(`${t}/${sub}/file${f}.so`, fileBytes(next, size), {
        mode: f % 3 === 0 ? 0o755 : 0o644,
      });
    }
    await Deno.symlink(`pkg${d}/file0.so`, `${t}/usr/lib/libpkg${d}.so`);
  }
  await Deno.writeFile(`${t}/usr/bin/tool`, fileBytes(next, 300_000), { mode: 0o755 });
  await Deno.link(`${t}/usr/bin/tool`, `${t}/usr/bin/tool-alias`);
  await Deno.chmod(`${t}/root`, 0o700);
  await Deno.rename(t, `${dir}/tree`);
  const tree: RootTree = {
    kind: "synthetic",
    key,
    dir: `${dir}/tree`,
    description: `a small synthetic tree (generator version ${SYNTHETIC_VERSION})`,
    details: { generator: SYNTHETIC_VERSION, built: new Date().toISOString() },
    ...(await measure(`${dir}/tree`)),
  };
  await Deno.writeTextFile(`${dir}/tree.json`, JSON.stringify(tree, null, 2) + "\n");
  return tree;
}
