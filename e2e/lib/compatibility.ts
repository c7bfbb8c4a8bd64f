/**
 * The compatibility table: one record for each real boot that stands for a
 * distribution, an initramfs shell, a flavour and a source kind, kept in the
 * committed `e2e/compatibility.json` (e2e/run.ts merges the boots it ran),
 * and the generator of `docs/compatibility.md` from it.
 *
 * ```sh
 * deno run -A e2e/lib/compatibility.ts    # rewrites docs/compatibility.md from the JSON
 * ```
 *
 * @module
 */
import { REPO_ROOT, writeAtomic } from "./_paths.ts";
import type { Flavour } from "./dracut.ts";

/** The committed records. */
export const COMPATIBILITY_JSON = `${REPO_ROOT}/e2e/compatibility.json`;
/** The generated table. */
export const COMPATIBILITY_MD = `${REPO_ROOT}/docs/compatibility.md`;

/** The distributions of the table, in its order. */
export const TABLE_DISTROS = ["bookworm", "trixie", "forky"] as const;

/** The source kinds of the table, in its order (a failure names what it stops on). */
export const SOURCE_KINDS = [
  "block",
  "lvm",
  "nfs",
  "http",
  "block, missing archive",
  "http, 404",
] as const;

/** A source kind of the table. */
export type SourceKind = typeof SOURCE_KINDS[number];

/** How an image was built: dracut's minimal `-m` list, its default set, or busybox as /bin/sh. */
export type BuildKind = "minimal" | "default" | "busybox";

/** What each build kind is, as the table says it. */
export const BUILD_KINDS: Readonly<Record<BuildKind, string>> = {
  minimal: "minimal (-m)",
  default: "default modules",
  busybox: "+busybox, -bash -dash",
};

/**
 * The build kind of some initramfs options: busybox when they add its module, the default
 * set when `full`, else minimal.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { buildKind } from "./compatibility.ts";
 * assert.equal(buildKind({ modules: ["busybox"] }), "busybox");
 * assert.equal(buildKind({ full: true }), "default");
 * assert.equal(buildKind({ modules: ["lvm"] }), "minimal");
 * ```
 */
export function buildKind(
  opts: { readonly full?: boolean; readonly modules?: readonly string[] } = {},
): BuildKind {
  if (opts.modules?.includes("busybox")) return "busybox";
  return opts.full ? "default" : "minimal";
}

/** The last real boot of one row. */
export interface CompatibilityRecord {
  /** The scenario's name (`classic/trixie-uuid`). */
  readonly scenario: string;
  /** `bookworm` (the host), `trixie` or `forky`. */
  readonly distro: typeof TABLE_DISTROS[number];
  /** dracut's package version. */
  readonly dracut: string;
  /** systemd's package version. */
  readonly systemd: string;
  /** The kernel release booted. */
  readonly kernel: string;
  /** How the image was built. */
  readonly build: BuildKind;
  /** What /bin/sh is in the image: `bash`, `dash` or `busybox`; `""` when the build failed. */
  readonly shell: string;
  readonly flavour: Flavour;
  readonly source: SourceKind;
  /** What the scenario expects: the root unpacked, or a clean stop. */
  readonly expect: "boots" | "stops";
  /** Whether the boot met its expectation. */
  readonly result: "passed" | "failed";
  /** For a failed boot: what went wrong (the harness's first problem). */
  readonly detail?: string;
  /** The day of the boot (`YYYY-MM-DD`, UTC). */
  readonly date: string;
}

/**
 * The symlinks of an uncompressed initramfs (one or more `newc` cpio archives
 * one after the other, as dracut-ng writes its kernel modules apart), by
 * path without a leading slash.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { cpioSymlinks } from "./compatibility.ts";
 * assert.deepEqual(cpioSymlinks(new Uint8Array()), new Map());
 * ```
 */
export function cpioSymlinks(image: Uint8Array): Map<string, string> {
  const links = new Map<string, string>();
  const text = new TextDecoder();
  const field = (at: number, i: number) =>
    parseInt(text.decode(image.subarray(at + 6 + 8 * i, at + 14 + 8 * i)), 16);
  const pad4 = (n: number) => (n + 3) & ~3;
  let at = 0;
  while (at + 110 <= image.length) {
    // Zeros pad one archive to the next.
    if (image[at] === 0) {
      at += 4;
      continue;
    }
    const magic = text.decode(image.subarray(at, at + 6));
    if (magic !== "070701" && magic !== "070702") {
      throw new RangeError(`Invalid initramfs: no cpio header at offset ${at}`);
    }
    const [mode, size, nameSize] = [field(at, 1), field(at, 6), field(at, 11)];
    const name = text.decode(image.subarray(at + 110, at + 110 + nameSize - 1));
    const data = pad4(at + 110 + nameSize);
    if ((mode & 0o170000) === 0o120000) {
      links.set(name.replace(/^\.?\//, ""), text.decode(image.subarray(data, data + size)));
    }
    at = pad4(data + size);
  }
  return links;
}

/**
 * What /bin/sh is in an initramfs's symlinks: the base name of the target of
 * `usr/bin/sh` (or `bin/sh`), `""` when neither is a symlink.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { shellOf } from "./compatibility.ts";
 * assert.equal(shellOf(new Map([["usr/bin/sh", "dash"]])), "dash");
 * assert.equal(shellOf(new Map([["bin/sh", "/usr/bin/busybox"]])), "busybox");
 * ```
 */
export function shellOf(links: ReadonlyMap<string, string>): string {
  const target = links.get("usr/bin/sh") ?? links.get("bin/sh") ?? "";
  return target.replace(/^.*\//, "");
}

/** What /bin/sh is in an (uncompressed) initramfs image. */
export async function imageShell(image: string): Promise<string> {
  return shellOf(cpioSymlinks(await Deno.readFile(image)));
}

/**
 * Merges fresh records into earlier ones: a fresh record replaces the one of
 * the same scenario, the others stay; the result in the table's order.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { type CompatibilityRecord, mergeRecords } from "./compatibility.ts";
 * const r: CompatibilityRecord = {
 *   scenario: "classic/uuid", distro: "bookworm", dracut: "059", systemd: "252",
 *   kernel: "6.1.0", build: "minimal", shell: "bash", flavour: "classic", source: "block",
 *   expect: "boots",
 *   result: "failed", date: "2026-01-01",
 * };
 * const merged = mergeRecords([r], [{ ...r, result: "passed", date: "2026-01-02" }]);
 * assert.deepEqual(merged.map((m) => m.result), ["passed"]);
 * ```
 */
export function mergeRecords(
  earlier: readonly CompatibilityRecord[],
  fresh: readonly CompatibilityRecord[],
): CompatibilityRecord[] {
  const byName = new Map(earlier.map((r) => [r.scenario, r]));
  for (const r of fresh) byName.set(r.scenario, r);
  return sortRecords([...byName.values()]);
}

/** The records in the table's order: distribution, build kind, source kind, flavour. */
export function sortRecords(records: readonly CompatibilityRecord[]): CompatibilityRecord[] {
  const key = (r: CompatibilityRecord): number[] => [
    TABLE_DISTROS.indexOf(r.distro),
    Object.keys(BUILD_KINDS).indexOf(r.build),
    SOURCE_KINDS.indexOf(r.source),
    r.flavour === "classic" ? 0 : 1,
  ];
  return [...records].sort((a, b) => {
    const [ka, kb] = [key(a), key(b)];
    for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i]! - kb[i]!;
    return a.scenario < b.scenario ? -1 : a.scenario > b.scenario ? 1 : 0;
  });
}

/** A table cell: pipes escaped, on one line. */
function cell(text: string): string {
  return text.replace(/\s+/g, " ").replaceAll("|", "\\|");
}

/**
 * The Markdown of docs/compatibility.md for some records.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { renderCompatibility } from "./compatibility.ts";
 * assert.match(renderCompatibility([]), /^# Compatibility/);
 * ```
 */
export function renderCompatibility(records: readonly CompatibilityRecord[]): string {
  const head = [
    "# Compatibility",
    "",
    "<!-- Generated from e2e/compatibility.json by e2e/lib/compatibility.ts: do not edit. -->",
    "",
    "The last real boot (QEMU, `deno task e2e`) of each distribution, initramfs shell, dracut",
    "flavour and source kind. The initramfs is built with the distribution's own dracut for its",
    "own kernel: bookworm's on the host (with the Debian 6.1 guest kernel), trixie's and forky's",
    "inside a build root made with mmdebstrap (`e2e/lib/distro.ts`). A row's scenario is in",
    "`e2e/distro_scenarios.ts` (bookworm's own in the block, LVM and network tables). The",
    "initramfs is dracut's minimal module list (`-m`), its default set as the distribution builds",
    'it, or the minimal list with busybox as /bin/sh (`-a busybox --omit "bash dash"`); the',
    "shell is what /bin/sh links to in the image. `stops` means the boot must stop with the",
    "module's failure line, and `passed` that it did what it should. `deno task e2e --topic",
    "distro` boots them again and updates this file.",
    "",
    "| distribution | dracut | systemd | kernel | initramfs | initramfs shell | flavour | source | expected | last boot | scenario |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
  ];
  const rows = sortRecords(records).map((r) => {
    const result = `${r.result} (${r.date})${r.detail ? `: ${r.detail}` : ""}`;
    return `| ${
      [
        r.distro,
        r.dracut,
        r.systemd,
        r.kernel,
        BUILD_KINDS[r.build],
        r.shell || "(no image)",
        r.flavour,
        r.source,
        r.expect,
        result,
        `\`${r.scenario}\``,
      ].map(cell).join(" | ")
    } |`;
  });
  return [...head, ...rows, ""].join("\n");
}

/** Reads the committed records (none when the file is missing). */
export async function readRecords(path = COMPATIBILITY_JSON): Promise<CompatibilityRecord[]> {
  try {
    return JSON.parse(await Deno.readTextFile(path)) as CompatibilityRecord[];
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return [];
    throw e;
  }
}

/**
 * Merges fresh records into the committed JSON and writes it and the table.
 *
 * @example
 * ```ts ignore
 * await writeCompatibility(records);
 * ```
 */
export async function writeCompatibility(fresh: readonly CompatibilityRecord[]): Promise<void> {
  const records = mergeRecords(await readRecords(), fresh);
  await writeAtomic(COMPATIBILITY_JSON, JSON.stringify(records, null, 2) + "\n");
  await writeAtomic(COMPATIBILITY_MD, renderCompatibility(records));
}

if (import.meta.main) {
  await writeAtomic(COMPATIBILITY_MD, renderCompatibility(await readRecords()));
}
