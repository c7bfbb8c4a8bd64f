/**
 * The kinds of source, one descriptor each: which `root=tmpfs:` forms
 * select it, whether the archive is read from a mounted file system or
 * streamed, whether the network must come up, and what the initramfs
 * needs for it (dracut modules, kernel modules, programs). The DSL's
 * `onlyFor` lists, the compiler's network and device tests, module-setup.sh
 * (detection, `depends`, `installkernel`, `install`) and the simulator's
 * dispatch are all derived from this table.
 *
 * @module
 */
import type { SourceKind } from "./source.ts";

/** How a kind is described. */
export interface SourceKindSpec {
  readonly kind: SourceKind;
  /** The text after `root=tmpfs:` starts with one of these. */
  readonly prefixes: readonly string[];
  /** `mounted`: mount it, read the file; `streamed`: pipe the archive from a program. */
  readonly access: "mounted" | "streamed";
  /** What the boot waits for before the mount hook: a device node, or the network. */
  readonly waitsFor: "device" | "network";
  /** dracut modules the initramfs needs for it (all of them, or the kind is left out). */
  readonly dracutModules: readonly string[];
  /** Kernel modules installed for it (file systems a source may carry). */
  readonly kernelModules: readonly string[];
  /** Programs it runs that a dracut module of `dracutModules` installs (installed again, `-o`). */
  readonly programs: readonly string[];
}

/**
 * Every kind of source.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { SOURCES } from "./source_kinds.ts";
 * assert.deepEqual(SOURCES.map((s) => s.kind), ["block", "nfs", "http"]);
 * ```
 */
export const SOURCES: readonly SourceKindSpec[] = [
  {
    kind: "block",
    prefixes: ["/dev/", "LABEL=", "UUID=", "PARTLABEL=", "PARTUUID="],
    access: "mounted",
    waitsFor: "device",
    dracutModules: [],
    kernelModules: ["ext4", "xfs", "btrfs", "vfat", "iso9660", "squashfs", "udf"],
    programs: [],
  },
  {
    kind: "nfs",
    prefixes: ["NFS="],
    access: "mounted",
    waitsFor: "network",
    dracutModules: ["network", "nfs"],
    kernelModules: [],
    programs: [],
  },
  {
    kind: "http",
    prefixes: ["http://", "https://"],
    access: "streamed",
    waitsFor: "network",
    dracutModules: ["network", "url-lib"],
    kernelModules: [],
    programs: ["curl"],
  },
];

/**
 * The kinds whose descriptor matches.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { kindsWhere } from "./source_kinds.ts";
 * assert.deepEqual(kindsWhere((s) => s.access === "mounted"), ["block", "nfs"]);
 * ```
 */
export function kindsWhere(
  test: (s: SourceKindSpec) => boolean,
  table: readonly SourceKindSpec[] = SOURCES,
): SourceKind[] {
  return table.filter(test).map((s) => s.kind);
}

/** The kinds read from a mounted file system. */
export const MOUNTED: readonly SourceKind[] = kindsWhere((s) => s.access === "mounted");
/** The kinds whose archive is piped from a program (a download). */
export const STREAMED: readonly SourceKind[] = kindsWhere((s) => s.access === "streamed");
/** The kinds that wait for a device node. */
export const DEVICES: readonly SourceKind[] = kindsWhere((s) => s.waitsFor === "device");
/** The kinds that need the network. */
export const NETWORKED: readonly SourceKind[] = kindsWhere((s) => s.waitsFor === "network");

/** The descriptor of a kind. */
export function sourceKind(
  kind: SourceKind,
  table: readonly SourceKindSpec[] = SOURCES,
): SourceKindSpec {
  const spec = table.find((s) => s.kind === kind);
  if (spec === undefined) throw new RangeError(`Unknown source kind "${kind}"`);
  return spec;
}

/**
 * Extra dracut modules a command-line parameter asks for, beside the
 * source's own (an LVM volume holds a block source): `name` joins the
 * kinds in module-setup.sh's list of what the image supports.
 */
export const PARAM_MODULES: readonly {
  readonly name: string;
  readonly param: string;
  readonly modules: readonly string[];
}[] = [{ name: "lvm", param: "rd.lvm.lv=", modules: ["lvm"] }];
