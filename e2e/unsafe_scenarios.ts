/**
 * Real boots with crafted archives that try to write outside the new root,
 * in both dracut flavours (topic `unsafe`, issue #10 point 4): absolute
 * member names, `..` components, a symlink to `/` or to `../../..` with a
 * member written through it, hard links to paths outside the root, device
 * nodes and a FIFO, and a member name of 10,000 bytes
 * (`lib/unsafe_archives.ts`). docs/unsafe-archives.md is their table.
 *
 * Every boot's initramfs carries the outside check (`lib/outside_check.ts`):
 * after the unpack, whether the boot goes on (a `cleanup` hook) or stops (a
 * `shutdown-emergency` hook), it looks for the archive's `e2e-…-marker`
 * files in the initramfs outside `$NEWROOT` and prints
 * `e2e-outside: clean (<hook>)`, which each scenario requires, or
 * `e2e-outside: FOUND <path> (<hook>)`, which each forbids. Boots that go
 * on must also pass the guest's checks in the new root (a stripped absolute
 * name is found there, hard links point into the root, device nodes have
 * their type, numbers, modes and owners); boots that stop must stop with
 * the module's failure line, quoting tar's error. Two control boots per
 * flavour plant a marker in the initramfs and require the check to find
 * it, on either path.
 *
 * @module
 */
import { makeDisk } from "./lib/disk.ts";
import {
  CONTROL_MARKER,
  OUTSIDE_TROUBLE,
  outsideCheckArgs,
  outsideClean,
  outsideFound,
  type OutsidePhase,
} from "./lib/outside_check.ts";
import { bothFlavours, once, type Scenario } from "./lib/scenario.ts";
import { unsafeArchive, type UnsafeKind } from "./lib/unsafe_archives.ts";

/** The initramfs's extra files: the outside check's hooks (made once, keyed by content). */
const CHECK_ARGS = await outsideCheckArgs();
/** The same, plus a marker planted outside the root: the check must report it. */
const CONTROL_ARGS = await outsideCheckArgs({ plant: true });

const CMDLINE = "root=tmpfs:/dev/vda1 rd.tmpfs.size=256M rd.tmpfs.imgfile=rootfs.tar.gz ro";

/** Regular expression text matching `s` literally. */
function literal(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

/**
 * What a case does in a real boot: it goes on (tar exits 0; the guest's
 * checks in the new root must pass), or it stops with the module's line
 * `tmpfs-root: unpack failed: tar could not unpack rootfs.tar.gz: <tar's error>`.
 */
export type UnsafeOutcome =
  | {
    readonly kind: "continues";
    /**
     * tar's warning, which the module does not print: the guest finds it in
     * `/run/tmpfs-root/tar.err` (moved into the new root with `/run`) and
     * prints it as a note.
     */
    readonly tarWarning?: string;
  }
  | { readonly kind: "stops"; readonly tarError: RegExp };

/** Each case's outcome, as docs/unsafe-archives.md states it. */
export const UNSAFE_OUTCOMES: Readonly<Record<UnsafeKind, UnsafeOutcome>> = {
  absolute: { kind: "continues", tarWarning: "tar: Removing leading `/' from member names" },
  dotdot: {
    kind: "stops",
    tarError: new RegExp(literal("tar: ../e2e-dotdot-marker: Member name contains '..'")),
  },
  "dotdot-inner": {
    kind: "stops",
    tarError: new RegExp(
      literal("tar: a/../../e2e-dotdot-inner-marker: Member name contains '..'"),
    ),
  },
  "symlink-root": {
    kind: "stops",
    tarError: new RegExp(literal("tar: up/e2e-through-root-marker: Cannot open: Not a directory")),
  },
  "symlink-dotdot": {
    kind: "stops",
    tarError: new RegExp(
      literal("tar: up3/e2e-through-dotdot-marker: Cannot open: Not a directory"),
    ),
  },
  "hardlink-dotdot": {
    kind: "continues",
    tarWarning: "tar: Removing leading `../../' from hard link targets",
  },
  "hardlink-absolute": {
    kind: "continues",
    tarWarning: "tar: Removing leading `/' from hard link targets",
  },
  "hardlink-initramfs": {
    kind: "stops",
    tarError: new RegExp(literal(
      "tar: e2e-hardlink-initramfs: Cannot hard link to 'lib/dracut-lib.sh': No such file or directory",
    )),
  },
  devices: { kind: "continues" },
  "long-name": {
    kind: "stops",
    // tar names the whole member; the module quotes the first 400 bytes of its line, then "...".
    tarError: /tar: e2e-long\/000-d{196}\/001-d{181}\.\.\.(?!\S)/,
  },
};

/** A disk holding the case's archive as `rootfs.tar.gz`. */
const disks = new Map<UnsafeKind, () => Promise<string>>();
function unsafeDisk(kind: UnsafeKind): () => Promise<string> {
  let d = disks.get(kind);
  if (!d) {
    d = once(async () =>
      makeDisk({
        name: `unsafe-${kind}`,
        table: "mbr",
        files: { "rootfs.tar.gz": await unsafeArchive(kind) },
      })
    );
    disks.set(kind, d);
  }
  return d;
}

type Base = Omit<Scenario, "flavour" | "name" | "topic"> & { readonly name: string };

/** A scenario for both flavours, named `<flavour>/unsafe-<name>`. */
function both(base: Base): Scenario[] {
  return bothFlavours("unsafe", "unsafe-", base);
}

/** Where the outside check runs: `cleanup` when the boot goes on, `shutdown-emergency` when it stops. */
function phaseOf(o: UnsafeOutcome): OutsidePhase {
  return o.kind === "continues" ? "cleanup" : "shutdown-emergency";
}

/** The expectation of a case's boot. */
function expectOf(o: UnsafeOutcome): Scenario["expect"] {
  return o.kind === "continues" ? { kind: "pass", tmpfsSize: "256M" } : {
    kind: "fail",
    step: "unpack",
    line: new RegExp(
      String.raw`tmpfs-root: unpack failed: tar could not unpack rootfs\.tar\.gz: ` +
        o.tarError.source,
    ),
  };
}

/** The guest's note of tar's messages, holding a warning. */
function tarNote(warning: string): RegExp {
  return new RegExp(`TMPFS-ROOT-E2E-NOTE: tar said: .*${literal(warning)}`);
}

/** One case in both flavours: its outcome, and nothing found outside the root. */
function unsafeCase(kind: UnsafeKind): Scenario[] {
  const o = UNSAFE_OUTCOMES[kind];
  return both({
    name: kind,
    cmdline: CMDLINE,
    disk: unsafeDisk(kind),
    initramfs: { extraArgs: CHECK_ARGS },
    expect: expectOf(o),
    require: [
      outsideClean(phaseOf(o)),
      ...(o.kind === "continues" && o.tarWarning ? [tarNote(o.tarWarning)] : []),
    ],
    forbid: [OUTSIDE_TROUBLE],
  });
}

/**
 * The control of the outside check: the same boot with a marker planted in
 * the initramfs, which the check must report (and nothing else).
 */
function control(name: string, kind: UnsafeKind): Scenario[] {
  const o = UNSAFE_OUTCOMES[kind];
  const phase = phaseOf(o);
  return both({
    name,
    cmdline: CMDLINE,
    disk: unsafeDisk(kind),
    initramfs: { extraArgs: CONTROL_ARGS },
    expect: expectOf(o),
    require: [outsideFound(CONTROL_MARKER, phase)],
    forbid: [
      outsideClean(phase),
      new RegExp(`e2e-outside: (ERROR|FOUND (?!${literal(CONTROL_MARKER)} ))`),
    ],
  });
}

/** The `unsafe` scenarios (24 boots). */
export const UNSAFE_SCENARIOS: readonly Scenario[] = [
  ...(Object.keys(UNSAFE_OUTCOMES) as UnsafeKind[]).flatMap(unsafeCase),
  // The check is seen to fail: after a boot that goes on, and after one that stops.
  ...control("control-continues", "absolute"),
  ...control("control-stops", "dotdot"),
];
