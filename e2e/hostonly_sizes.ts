/**
 * Host-only initramfs images pull in the network only when the command line
 * needs it. Builds, for both flavours, a host-only image
 * (`dracut -H`, dracut's default module set plus tmpfs-root, the command
 * line baked in with `--kernel-cmdline`) for an NFS, an HTTP and a block
 * source; checks with `lsinitrd` that the NFS and HTTP images hold the
 * network pieces they need and the block image none; measures what each
 * decompressor adds to the classic block image (`tmpfs_root_decompressors`)
 * and what tmpfs-root adds to the block and HTTP images (the same image
 * built without it, the HTTP one with the same network modules);
 * prints the sizes and, with `--write-doc`, writes them to
 * `docs/initramfs-sizes.md`.
 *
 * ```sh
 * deno run -A e2e/hostonly_sizes.ts [--write-doc]
 * ```
 *
 * @module
 */
import $ from "dax";
import { buildInitramfsInfo, type Flavour, type InitramfsOptions } from "./lib/dracut.ts";
import { ensureKernel } from "./lib/kernel.ts";
import { REPO_ROOT } from "./lib/_paths.ts";
import { DECOMPRESSOR_PROGRAMS, DECOMPRESSORS_VAR, SOURCES } from "@tmpfs-root/model";

/** The file systems an image gets drivers for by default, for block sources (the model's). */
const BLOCK_FILESYSTEMS = SOURCES.find((k) => k.kind === "block")!.kernelModules;

/** The three command lines: NFS with a static address, an HTTP URL, a block device. */
export const SIZE_CMDLINES: Readonly<Record<"nfs" | "http" | "block", string>> = {
  nfs:
    "root=tmpfs:NFS=nfs:10.0.2.2:/nfsexport,tcp rd.tmpfs.size=5G rd.tmpfs.imgfile=images/rootfs.tar.gz ip=10.0.2.15:::24:compute1:eth0:none rd.neednet=1 ro",
  http: "root=tmpfs:http://10.0.2.2:8080/images/rootfs.tar.gz rd.tmpfs.size=256M ro",
  block: "root=tmpfs:/dev/vda1 rd.tmpfs.size=3G rd.tmpfs.imgfile=rootfs.tgz ro",
};

/** A network piece: a dracut module or a file, found by name in `lsinitrd`'s output. */
interface Piece {
  readonly name: string;
  readonly re: RegExp;
  readonly kind: "module" | "file";
}

const mod = (name: string): Piece => ({
  name: `dracut module ${name}`,
  re: new RegExp(`^${name}$`),
  kind: "module",
});
const file = (name: string, re: RegExp): Piece => ({ name, re, kind: "file" });

/** Pieces an NFS image needs. */
const NFS_PIECES: readonly Piece[] = [
  mod("network"),
  mod("nfs"),
  file("mount.nfs", /\/mount\.nfs$/),
  file("nfs.ko", /\/nfs\.ko(\.[gx]z|\.zst)?$/),
  file("nfsv4.ko", /\/nfsv4\.ko(\.[gx]z|\.zst)?$/),
  file("net-lib.sh", /\/net-lib\.sh$/),
];
/** Pieces an HTTP image needs. */
const HTTP_PIECES: readonly Piece[] = [
  mod("network"),
  mod("url-lib"),
  file("curl", /\/bin\/curl$/),
  file("url-lib.sh", /\/url-lib\.sh$/),
  file("net-lib.sh", /\/net-lib\.sh$/),
];
/** Nothing of these may be in a block image. */
const NETWORK_PIECES: readonly Piece[] = [
  mod("network"),
  mod("network-legacy"),
  mod("systemd-networkd"),
  mod("network-manager"),
  mod("kernel-network-modules"),
  mod("nfs"),
  mod("url-lib"),
  file("mount.nfs", /\/mount\.nfs$/),
  file("nfs.ko", /\/nfs\.ko(\.[gx]z|\.zst)?$/),
  file("net-lib.sh", /\/net-lib\.sh$/),
  file("url-lib.sh", /\/url-lib\.sh$/),
  file("dhclient", /\/dhclient$/),
  file("systemd-networkd", /\/systemd-networkd$/),
  file("curl", /\/bin\/curl$/),
];

/** What `lsinitrd` shows: the dracut modules and the file paths. */
async function contents(image: string): Promise<{ modules: string[]; files: string[] }> {
  const modules = (await $`lsinitrd -m ${image}`.stderr("null").noThrow().text()).split("\n")
    .map((l) => l.trim()).filter((l) => /^[a-z0-9][a-z0-9_-]*$/.test(l));
  const files = (await $`lsinitrd ${image}`.stderr("null").noThrow().text()).split("\n")
    .filter((l) => /^[-dlcbps][rwxsStT-]{9}/.test(l))
    .map((l) => l.replace(/ -> .*$/, "").split(/\s+/).slice(8).join(" "));
  return { modules, files };
}

/** The regular files of an image and their sizes, by path (`lsinitrd`'s listing). */
async function fileSizes(image: string): Promise<Map<string, number>> {
  const sizes = new Map<string, number>();
  for (const l of (await $`lsinitrd ${image}`.stderr("null").noThrow().text()).split("\n")) {
    if (!/^-[rwxsStT-]{9}/.test(l)) continue;
    const f = l.split(/\s+/);
    sizes.set(f.slice(8).join(" "), Number(f[4]));
  }
  return sizes;
}

/** What the files only one image holds add up to, in the groups of {@linkcode ModuleRow.parts}. */
function partsOf(only: ReadonlyMap<string, number>): ModuleRow["parts"] {
  const parts = { drivers: 0, programs: 0, other: 0 };
  for (const [path, bytes] of only) {
    if (/(^|\/)lib\/modules\//.test(path)) parts.drivers += bytes;
    else if (path.includes("lib/tmpfs-root/bin/")) parts.programs += bytes;
    else parts.other += bytes;
  }
  return parts;
}

function has(c: { modules: string[]; files: string[] }, p: Piece): boolean {
  return (p.kind === "module" ? c.modules : c.files).some((x) => p.re.test(x));
}

/** One measured image. */
export interface SizeRow {
  readonly flavour: Flavour;
  readonly source: keyof typeof SIZE_CMDLINES;
  readonly path: string;
  readonly bytes: number;
  readonly zstdBytes: number;
  readonly files: number;
  readonly networkModules: readonly string[];
  readonly problems: readonly string[];
  readonly dracutArgs: readonly string[];
}

/** The bytes of an image through `zstd -3`. */
async function zstdSize(path: string): Promise<number> {
  return Number((await $`sh -c ${'zstd -q -3 -T0 -c "$1" | wc -c'} sh ${path}`.text()).trim());
}

/** Builds and checks the six images. */
export async function measure(): Promise<SizeRow[]> {
  const kernel = await ensureKernel();
  const rows: SizeRow[] = [];
  for (const flavour of ["classic", "systemd"] as Flavour[]) {
    for (const source of ["nfs", "http", "block"] as const) {
      const opts: InitramfsOptions = {
        flavour,
        hostonly: true,
        full: true,
        cmdline: SIZE_CMDLINES[source],
      };
      const img = await buildInitramfsInfo(opts, kernel);
      const c = await contents(img.path);
      const problems: string[] = [];
      if (source === "block") {
        for (const p of NETWORK_PIECES) if (has(c, p)) problems.push(`holds ${p.name}`);
      } else {
        for (const p of source === "nfs" ? NFS_PIECES : HTTP_PIECES) {
          if (!has(c, p)) problems.push(`lacks ${p.name}`);
        }
      }
      const zstdBytes = await zstdSize(img.path);
      const meta = JSON.parse(await Deno.readTextFile(`${img.path}.json`)) as { args: string[] };
      rows.push({
        flavour,
        source,
        path: img.path,
        bytes: img.size,
        zstdBytes,
        files: c.files.length,
        networkModules: c.modules.filter((m) =>
          NETWORK_PIECES.some((p) => p.kind === "module" && p.re.test(m))
        ),
        problems,
        dracutArgs: meta.args,
      });
    }
  }
  return rows;
}

/** What tmpfs-root adds to one image: the image against the same one built without it. */
export interface ModuleRow {
  readonly flavour: Flavour;
  readonly source: "http" | "block";
  readonly bytes: number;
  readonly withoutBytes: number;
  readonly zstdBytes: number;
  readonly withoutZstdBytes: number;
  /** The dracut modules the image without tmpfs-root was given (its network's). */
  readonly modules: readonly string[];
  /** What is wrong with the measurement (the image without it holds tmpfs-root's files). */
  readonly problems: readonly string[];
  /**
   * The files only the image with tmpfs-root holds, in bytes: kernel modules
   * (the file systems a block source may carry), the programs in
   * `/lib/tmpfs-root/bin`, and the rest (libraries, scripts, units).
   */
  readonly parts: { readonly drivers: number; readonly programs: number; readonly other: number };
}

/**
 * Builds each block and HTTP image of `rows` again without tmpfs-root (the
 * HTTP one with the network modules the image with it holds, which
 * tmpfs-root's host-only dependencies chose): the difference is what the
 * module adds, its scripts and the programs only it installs.
 */
export async function measureModule(rows: readonly SizeRow[]): Promise<ModuleRow[]> {
  const kernel = await ensureKernel();
  const out: ModuleRow[] = [];
  for (const r of rows) {
    if (r.source === "nfs") continue;
    const modules = [
      ...new Set([...r.networkModules, ...(r.source === "http" ? ["url-lib"] : [])]),
    ];
    const img = await buildInitramfsInfo({
      flavour: r.flavour,
      hostonly: true,
      full: true,
      cmdline: SIZE_CMDLINES[r.source],
      modules,
      withoutModule: true,
    }, kernel);
    const left = (await contents(img.path)).files.filter((f) => f.includes("tmpfs-root"));
    const without = await fileSizes(img.path);
    const only = new Map([...await fileSizes(r.path)].filter(([f]) => !without.has(f)));
    out.push({
      flavour: r.flavour,
      source: r.source,
      problems: left.length === 0 ? [] : [`the image without it holds ${left[0]}`],
      parts: partsOf(only),
      bytes: r.bytes,
      withoutBytes: img.size,
      zstdBytes: r.zstdBytes,
      withoutZstdBytes: await zstdSize(img.path),
      modules,
    });
  }
  return out;
}

/** The module's section of the document. */
export function renderModule(rows: readonly ModuleRow[]): string[] {
  return [
    "",
    "## What tmpfs-root adds",
    "",
    "Each block and HTTP image above, against the same image built without tmpfs-root",
    "(`--omit tmpfs-root`; the HTTP one given the network modules the image with it holds).",
    "The files only the image with it holds, by kind: the kernel's drivers for the file",
    `systems a block source may carry (${BLOCK_FILESYSTEMS.join(", ")}: the`,
    "source's file system is not known when the image is built; btrfs and xfs weigh most),",
    "the programs it installs into `/lib/tmpfs-root/bin` (GNU tar, coreutils, util-linux's",
    "mount, the decompressors; curl and openssl for HTTP), and the rest (their libraries,",
    "the module's scripts and units).",
    "",
    "| image | with tmpfs-root | without | adds | zstd -3 adds | file systems | programs | rest |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...rows.map((r) =>
      `| ${r.flavour}/${r.source} | ${mib(r.bytes)} | ${mib(r.withoutBytes)} | ${
        kib(r.bytes - r.withoutBytes)
      } | ${kib(r.zstdBytes - r.withoutZstdBytes)} | ${kib(r.parts.drivers)} | ${
        kib(r.parts.programs)
      } | ${kib(r.parts.other)} |`
    ),
    "",
    `The images without tmpfs-root were given these dracut modules: ${
      rows.map((r) => `${r.flavour}/${r.source}: ${r.modules.join(", ") || "none"}`).join("; ")
    }.`,
  ];
}

/** What one decompressor adds: the default image against one whose setting leaves it out. */
export interface DecompressorRow {
  readonly format: string;
  /** The programs it brings (pigz beside gzip). */
  readonly programs: readonly string[];
  /** Bytes of the default image minus those of the image without it. */
  readonly bytes: number;
  readonly zstdBytes: number;
}

/**
 * Builds the classic host-only block image with every decompressor (the
 * default) and, for each format, one whose `tmpfs_root_decompressors` names
 * all the others: the difference is what that decompressor adds.
 */
export async function measureDecompressors(): Promise<DecompressorRow[]> {
  const kernel = await ensureKernel();
  const base: InitramfsOptions = {
    flavour: "classic",
    hostonly: true,
    full: true,
    cmdline: SIZE_CMDLINES.block,
  };
  const all = await buildInitramfsInfo(base, kernel);
  const allZstd = await zstdSize(all.path);
  const formats = Object.keys(DECOMPRESSOR_PROGRAMS) as (keyof typeof DECOMPRESSOR_PROGRAMS)[];
  const rows: DecompressorRow[] = [];
  for (const f of formats) {
    const others = formats.filter((o) => o !== f).join(" ");
    const img = await buildInitramfsInfo(
      { ...base, conf: [`${DECOMPRESSORS_VAR}="${others}"`] },
      kernel,
    );
    rows.push({
      format: f,
      programs: DECOMPRESSOR_PROGRAMS[f],
      bytes: all.size - img.size,
      zstdBytes: allZstd - await zstdSize(img.path),
    });
  }
  return rows;
}

const kib = (n: number) => `${(n / 1024).toFixed(0)} KiB`;

/** The decompressors' section of the document. */
export function renderDecompressors(rows: readonly DecompressorRow[]): string[] {
  return [
    "",
    "## What each decompressor adds",
    "",
    "An image gets every decompressor the build host has unless `tmpfs_root_decompressors` in a",
    "dracut.conf file names some ([images.md](images.md)). What each one adds to the classic",
    "host-only block image above: that image, less the same image built with the setting naming",
    "every other format (its program and the libraries nothing else in the image uses).",
    "",
    "| format | programs | adds | zstd -3 |",
    "| --- | --- | ---: | ---: |",
    ...rows.map((r) =>
      `| ${r.format} | ${r.programs.join(", ")} | ${kib(r.bytes)} | ${kib(r.zstdBytes)} |`
    ),
  ];
}

const mib = (n: number) => `${(n / 1048576).toFixed(1)} MiB`;

/** The Markdown document. */
export function renderDoc(
  rows: readonly SizeRow[],
  kver: string,
  dracut: string,
  decompressors: readonly DecompressorRow[] = [],
  module: readonly ModuleRow[] = [],
): string {
  const lines = [
    "# Host-only initramfs sizes",
    "",
    "A host-only tmpfs-root initramfs (`dracut -H`) pulls in dracut's network and NFS",
    "or URL support only when the command line baked in with `--kernel-cmdline` (or the",
    "running kernel's) names an NFS or HTTP(S) source. Measured by",
    "`deno run -A e2e/hostonly_sizes.ts --write-doc` (run as root), which also checks",
    "with `lsinitrd` that the NFS and HTTP images hold the network pieces and the block",
    "image none of them.",
    "",
    `Kernel ${kver}, ${dracut}, Debian 12 host; dracut's default module set plus`,
    "`tmpfs-root`, uncompressed (`--no-compress`); the zstd column is the same cpio",
    "through `zstd -3`.",
    "",
    "| image | size | zstd -3 | vs block | network dracut modules |",
    "| --- | ---: | ---: | ---: | --- |",
  ];
  for (const r of rows) {
    const block = rows.find((b) => b.flavour === r.flavour && b.source === "block")!;
    const delta = r.source === "block" ? "" : `+${mib(r.bytes - block.bytes)}`;
    lines.push(
      `| ${r.flavour}/${r.source} | ${mib(r.bytes)} | ${mib(r.zstdBytes)} | ${delta} | ${
        r.networkModules.join(", ") || "none"
      } |`,
    );
  }
  lines.push("", "The command lines baked in:", "");
  for (const [source, cmdline] of Object.entries(SIZE_CMDLINES)) {
    lines.push(`- ${source}: \`${cmdline}\``);
  }
  const problems = rows.filter((r) => r.problems.length > 0);
  if (problems.length > 0) {
    lines.push("", "Checks that failed in this measurement:", "");
    for (const r of problems) lines.push(`- ${r.flavour}/${r.source}: ${r.problems.join("; ")}`);
  }
  if (rows.some((r) => r.source === "block" && r.problems.includes("holds curl"))) {
    lines.push(
      "",
      "The block images hold curl (and libcurl with its TLS, LDAP, Kerberos, SSH",
      "libraries) because `module-setup.sh` installs it with `inst_multiple -o` whatever",
      "the sources: a classic block image built from a module copy without `curl` in",
      "that line measured 55.1 MiB instead of 66.0 MiB (-10.9 MiB, 2026-11-26). The fix",
      "is to install curl only when the sources name `http` (where `url-lib` installs it",
      "anyway).",
    );
  }
  lines.push(
    "",
    "To reproduce an image by hand (`e2e/lib/dracut.ts` makes BASE, a private",
    "`dracutbasedir` of symlinks to /usr/lib/dracut plus our module; EMPTY is an empty",
    "folder; KMODDIR the unpacked Debian kernel's `lib/modules/<kver>`):",
    "",
    "```sh",
  );
  for (const r of rows) {
    const q = (a: string) => /^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", `'\\''`)}'`;
    lines.push(
      `# ${r.flavour}, ${r.source}`,
      `dracutbasedir=BASE dracut --force --conf /dev/null --confdir EMPTY --kver ${kver} --kmoddir KMODDIR ${
        r.dracutArgs.map(q).join(" ")
      } initrd-${r.flavour}-${r.source}.img`,
    );
  }
  lines.push("```");
  if (module.length > 0) lines.push(...renderModule(module));
  if (decompressors.length > 0) lines.push(...renderDecompressors(decompressors));
  lines.push("");
  return lines.join("\n");
}

if (import.meta.main) {
  const rows = await measure();
  const decompressors = await measureDecompressors();
  const module = await measureModule(rows);
  // An image without tmpfs-root that is not smaller would mean the omit did not take.
  const hollow = module.filter((m) => m.bytes <= m.withoutBytes || m.problems.length > 0);
  for (const m of module) {
    console.log(
      `${hollow.includes(m) ? "FAIL" : "ok  "} tmpfs-root adds to ${m.flavour}/${m.source}: ${
        kib(m.bytes - m.withoutBytes)
      } (zstd ${kib(m.zstdBytes - m.withoutZstdBytes)})${
        m.problems.length > 0 ? ` -- ${m.problems.join("; ")}` : ""
      }`,
    );
  }
  for (const d of decompressors) {
    console.log(
      `decompressor ${d.format} (${d.programs.join(", ")}): +${kib(d.bytes)} (zstd +${
        kib(d.zstdBytes)
      })`,
    );
  }
  const kernel = await ensureKernel();
  const dracut = (await $`dracut --version`.noThrow().text()).trim();
  let failed = 0;
  for (const r of rows) {
    const ok = r.problems.length === 0;
    if (!ok) failed++;
    console.log(
      `${ok ? "ok  " : "FAIL"} hostonly ${r.flavour}/${r.source}: ${mib(r.bytes)} (zstd ${
        mib(r.zstdBytes)
      }), ${r.files} files, network modules: ${r.networkModules.join(" ") || "none"}${
        ok ? "" : ` -- ${r.problems.join("; ")}`
      }`,
    );
  }
  if (Deno.args.includes("--write-doc")) {
    await Deno.writeTextFile(
      `${REPO_ROOT}/docs/initramfs-sizes.md`,
      renderDoc(rows, kernel.kver, dracut, decompressors, module),
    );
    await new Deno.Command(Deno.execPath(), {
      args: ["fmt", "--quiet", `${REPO_ROOT}/docs/initramfs-sizes.md`],
    }).output();
    console.log("wrote docs/initramfs-sizes.md");
  }
  failed += hollow.length;
  console.log(`${rows.length + module.length - failed} passed, ${failed} failed`);
  Deno.exit(failed === 0 ? 0 : 1);
}
