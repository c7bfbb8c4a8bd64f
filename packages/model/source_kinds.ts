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
import type { Access, Step } from "./step.ts";

/**
 * How the text after a form's prefix becomes the source: the one grammar
 * from which both the model's parser (`parseSource`) and the emitted
 * shell's `tmpfs_root_parse_source` come.
 */
export type FormRule =
  /** A path under /dev: the device is the text as written; no `..` component. */
  | { readonly rule: "devpath" }
  /**
   * A udev link: the device is `link` and the value, escaped as udev names
   * links; `lower` lower-cases it first, `uuid` lower-cases a canonical UUID.
   */
  | { readonly rule: "udev"; readonly link: string; readonly normalise?: "lower" | "uuid" }
  /** dracut's `nfs[4]:<server>:<export>[,options]`. */
  | { readonly rule: "nfs" }
  /** A URL (the whole text, prefix included), of URL characters only. */
  | { readonly rule: "url" }
  /** A word of the tr(1) set `chars`, which becomes the device field (kinds added to the table). */
  | { readonly rule: "word"; readonly chars: string };

/** One form of `root=tmpfs:<source>`: a prefix and its rule. */
export type SourceForm = { readonly prefix: string } & FormRule;

/** How a kind is described. */
export interface SourceKindSpec {
  readonly kind: SourceKind;
  /** The forms that select it, tried in table order (the first prefix that matches decides). */
  readonly forms: readonly SourceForm[];
  /** The forms' prefixes. */
  readonly prefixes: readonly string[];
  /** `mounted`: mount it, read the file; `streamed`: pipe the archive from a program. */
  readonly access: Access;
  /** What the boot waits for before the mount hook: a device node, the network, or nothing. */
  readonly waitsFor: "device" | "network" | "nothing";
  /** dracut modules the initramfs needs for it (all of them, or the kind is left out). */
  readonly dracutModules: readonly string[];
  /** Kernel modules installed for it (file systems a source may carry). */
  readonly kernelModules: readonly string[];
  /** Programs it runs that a dracut module of `dracutModules` installs (installed again, `-o`). */
  readonly programs: readonly string[];
  /** Whether every image supports it (else only when the command line names it, or -N). */
  readonly always?: boolean;
  /**
   * For a kind without a mount function of its own: `mount [-t fstype] -o options <device> <at>`.
   */
  readonly mount?: { readonly fstype: string | null; readonly options: string };
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
  sourceKindSpec({
    kind: "block",
    forms: [
      { prefix: "/dev/", rule: "devpath" },
      { prefix: "LABEL=", rule: "udev", link: "/dev/disk/by-label/" },
      { prefix: "UUID=", rule: "udev", link: "/dev/disk/by-uuid/", normalise: "uuid" },
      { prefix: "PARTLABEL=", rule: "udev", link: "/dev/disk/by-partlabel/" },
      { prefix: "PARTUUID=", rule: "udev", link: "/dev/disk/by-partuuid/", normalise: "lower" },
    ],
    access: "mounted",
    waitsFor: "device",
    dracutModules: [],
    kernelModules: ["ext4", "xfs", "btrfs", "vfat", "iso9660", "squashfs", "udf"],
    programs: [],
    always: true,
  }),
  sourceKindSpec({
    kind: "nfs",
    forms: [{ prefix: "NFS=", rule: "nfs" }],
    access: "mounted",
    waitsFor: "network",
    dracutModules: ["network", "nfs"],
    kernelModules: [],
    programs: [],
  }),
  sourceKindSpec({
    kind: "http",
    forms: [{ prefix: "http://", rule: "url" }, { prefix: "https://", rule: "url" }],
    access: "streamed",
    waitsFor: "network",
    dracutModules: ["network", "url-lib"],
    kernelModules: [],
    programs: ["curl"],
  }),
];

/**
 * A descriptor, with its prefixes taken from its forms: the one entry a
 * new kind of source adds to a table.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { sourceKindSpec } from "./source_kinds.ts";
 * const toy = sourceKindSpec({
 *   kind: "x-virtiofs",
 *   forms: [{ prefix: "VIRTIOFS=", rule: "word", chars: "A-Za-z0-9_-" }],
 *   access: "mounted",
 *   waitsFor: "nothing",
 *   dracutModules: [],
 *   kernelModules: ["virtiofs"],
 *   programs: [],
 * });
 * assert.deepEqual(toy.prefixes, ["VIRTIOFS="]);
 * ```
 */
export function sourceKindSpec(spec: Omit<SourceKindSpec, "prefixes">): SourceKindSpec {
  return { ...spec, prefixes: spec.forms.map((f) => f.prefix) };
}

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

/**
 * The kinds a step applies to (its `onlyFor`), in a table.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { BOOT } from "./boot.ts";
 * import { kindsOf } from "./source_kinds.ts";
 * const release = BOOT.phases[1]!.steps.find((s) => s.id === "release")!;
 * assert.deepEqual(kindsOf(release), ["block", "nfs"]);
 * ```
 */
export function kindsOf(step: Step, table: readonly SourceKindSpec[] = SOURCES): SourceKind[] {
  return kindsWhere((k) => step.onlyFor === null || k.access === step.onlyFor, table);
}
