/**
 * Crafted guest archives for the `unsafe` scenarios: the guest's whole tree
 * (its plain tar) followed by members that try to write outside the new
 * root, or that a root may hold but an unpacker must create with care:
 * absolute names, `..` components, a symlink to `/` or to `../../..` with a
 * member written through it, hard links to paths outside the root, device
 * nodes and a FIFO, and a name of 10,000 bytes. Made with the byte-level
 * helpers of `tar_bytes.ts`, gzipped, and cached under `.cache/e2e-unsafe/`.
 *
 * Every file such a member would plant outside the root is named
 * `e2e-…-marker`, the pattern the initramfs's outside check looks for
 * (`outside_check.ts`). When a case lets the boot go on, the archive also
 * replaces `/etc/e2e-expect` with the guest's own checks plus the case's
 * `inside` lines, which the guest's init runs in the new root.
 *
 * @module
 */
import $ from "dax";
import { sha256Hex } from "./_hash.ts";
import { CACHE_DIR, exists, writeAtomic } from "./_paths.ts";
import { buildGuestArchive } from "./guest.ts";
import { appendMembers, memberData, type MemberSpec } from "./tar_bytes.ts";

/** A crafted member: as {@linkcode MemberSpec}, with its data as text. */
export interface UnsafeMember extends Omit<MemberSpec, "data" | "pax"> {
  /** The member's data (default none). */
  readonly text?: string;
}

/** One crafted case. */
export interface UnsafeCase {
  /** What the case tries, in a few words. */
  readonly what: string;
  /** The members appended after the guest's tree. */
  readonly members: readonly UnsafeMember[];
  /**
   * Shell lines (the guest init's `check_*` functions) that must hold in the
   * new root when the boot goes on; they are appended to `/etc/e2e-expect`.
   * Absent for a case that stops the boot.
   */
  readonly inside?: readonly string[];
}

/** The guest's checks when a crafted archive lets the boot go on: tar's own messages, as a note. */
const TAR_MESSAGES_NOTE =
  `[ ! -s /run/tmpfs-root/tar.err ] || note "tar said: $(tr '\\n' '|' </run/tmpfs-root/tar.err | head -c 400)"`;

/**
 * A member name of exactly `bytes` bytes (at least 300): `e2e-long/`, then
 * directories of 200 bytes, then a file name for the rest. Every component
 * is shorter than NAME_MAX (255); the whole is longer than PATH_MAX (4096)
 * once `bytes` exceeds it. It travels in a PAX `path` record.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { longName } from "./unsafe_archives.ts";
 * const n = longName(10_000);
 * assert.equal(new TextEncoder().encode(n).length, 10_000);
 * assert.ok(n.split("/").every((c) => c.length <= 255));
 * ```
 */
export function longName(bytes: number): string {
  if (!Number.isInteger(bytes) || bytes < 300) {
    throw new RangeError(`Invalid name length "${bytes}": expected an integer of at least 300`);
  }
  const parts = ["e2e-long"];
  let used = "e2e-long".length;
  let i = 0;
  // Each directory adds 201 bytes ("/" and 200), until the file name left is 50 to 250 bytes.
  while (bytes - used - 1 > 250) {
    parts.push(`${String(i++).padStart(3, "0")}-${"d".repeat(196)}`);
    used += 201;
  }
  const rest = bytes - used - 1;
  parts.push(`e2e-long-name-marker-${"f".repeat(rest - "e2e-long-name-marker-".length)}`);
  return parts.join("/");
}

/** The case's name in archive, scenario and table: the marker each plants is named after it. */
export const UNSAFE_CASES = {
  absolute: {
    what: "a member with an absolute name, /e2e-abs-marker",
    members: [{ name: "/e2e-abs-marker", text: "e2e-abs-marker\n" }],
    inside: [`check_content /e2e-abs-marker e2e-abs-marker`],
  },
  dotdot: {
    what: "a member named ../e2e-dotdot-marker",
    members: [{ name: "../e2e-dotdot-marker", text: "e2e-dotdot-marker\n" }],
  },
  "dotdot-inner": {
    what: "a member named a/../../e2e-dotdot-inner-marker",
    members: [{ name: "a/../../e2e-dotdot-inner-marker", text: "e2e-dotdot-inner-marker\n" }],
  },
  "symlink-root": {
    what: "a symlink up -> /, then a member up/e2e-through-root-marker",
    members: [
      { name: "up", typeflag: "2", linkname: "/", mode: 0o777 },
      { name: "up/e2e-through-root-marker", text: "e2e-through-root-marker\n" },
    ],
  },
  "symlink-dotdot": {
    what: "a symlink up3 -> ../../.., then a member up3/e2e-through-dotdot-marker",
    members: [
      { name: "up3", typeflag: "2", linkname: "../../..", mode: 0o777 },
      { name: "up3/e2e-through-dotdot-marker", text: "e2e-through-dotdot-marker\n" },
    ],
  },
  "hardlink-dotdot": {
    what: "a hard link e2e-hardlink-dotdot to ../../etc/passwd",
    members: [{ name: "e2e-hardlink-dotdot", typeflag: "1", linkname: "../../etc/passwd" }],
    inside: [`check_hardlink /e2e-hardlink-dotdot /etc/passwd`],
  },
  "hardlink-absolute": {
    what: "a hard link e2e-hardlink-absolute to /etc/os-release",
    members: [{ name: "e2e-hardlink-absolute", typeflag: "1", linkname: "/etc/os-release" }],
    inside: [`check_hardlink /e2e-hardlink-absolute /etc/os-release`],
  },
  "hardlink-initramfs": {
    what: "a hard link to ../../lib/dracut-lib.sh, a file only the initramfs has",
    members: [{
      name: "e2e-hardlink-initramfs",
      typeflag: "1",
      linkname: "../../lib/dracut-lib.sh",
    }],
  },
  devices: {
    what: "character and block device nodes and a FIFO",
    members: [
      { name: "e2e-devices/", typeflag: "5", mode: 0o755 },
      { name: "e2e-devices/console", typeflag: "3", devmajor: 5, devminor: 1, mode: 0o600 },
      { name: "e2e-devices/null", typeflag: "3", devmajor: 1, devminor: 3, mode: 0o666 },
      { name: "e2e-devices/loop0", typeflag: "4", devmajor: 7, devminor: 0, mode: 0o660, gid: 6 },
      { name: "e2e-devices/fifo", typeflag: "6", mode: 0o640, uid: 1234, gid: 5678 },
    ],
    inside: [
      `check_chardev /e2e-devices/console 5 1`,
      `check_mode /e2e-devices/console 600 0 0`,
      `check_chardev /e2e-devices/null 1 3`,
      `check_mode /e2e-devices/null 666 0 0`,
      `[ -b /e2e-devices/loop0 ] || fail "/e2e-devices/loop0 is not a block device"`,
      `[ "$(stat -c '%t %T' /e2e-devices/loop0)" = "7 0" ] || fail "/e2e-devices/loop0 is not 7:0"`,
      `check_mode /e2e-devices/loop0 660 0 6`,
      `check_fifo /e2e-devices/fifo`,
      `check_mode /e2e-devices/fifo 640 1234 5678`,
    ],
  },
  "long-name": {
    what: "a member whose name is 10,000 bytes (a PAX path record)",
    members: [{ name: longName(10_000), text: "e2e-long-name-marker\n" }],
  },
} as const satisfies Record<string, UnsafeCase>;

/** A crafted case's name. */
export type UnsafeKind = keyof typeof UNSAFE_CASES;

/** The case names, in the order of the table. */
export const UNSAFE_KINDS: readonly UnsafeKind[] = Object.keys(UNSAFE_CASES) as UnsafeKind[];

/** Bump to rebuild every cached crafted archive after a change to how they are built. */
const BUILD_VERSION = "1";

const UNSAFE_DIR = `${CACHE_DIR}/e2e-unsafe`;

const enc = new TextEncoder();
const dec = new TextDecoder();

/** The members of a case as tar members; the guest's checks extended when the boot goes on. */
export function unsafeMembers(kind: UnsafeKind, guestTar: Uint8Array): MemberSpec[] {
  const c: UnsafeCase = UNSAFE_CASES[kind];
  const members: MemberSpec[] = c.members.map(({ text, ...m }) =>
    text === undefined ? m : { ...m, data: enc.encode(text) }
  );
  if (c.inside !== undefined) {
    const expect = memberData(guestTar, "etc/e2e-expect");
    if (expect === undefined) throw new Error("The guest archive has no /etc/e2e-expect");
    const lines = [
      `# added by e2e/lib/unsafe_archives.ts (${kind})`,
      ...c.inside,
      TAR_MESSAGES_NOTE,
    ];
    members.push({
      name: "./etc/e2e-expect",
      data: enc.encode(`${dec.decode(expect).replace(/\n*$/, "\n")}${lines.join("\n")}\n`),
    });
  }
  return members;
}

/** The crafted archive of a case, as plain tar bytes. */
export function unsafeTar(kind: UnsafeKind, guestTar: Uint8Array): Uint8Array {
  return appendMembers(guestTar, unsafeMembers(kind, guestTar));
}

const made = new Map<UnsafeKind, Promise<string>>();

/**
 * Builds (or takes from `.cache/e2e-unsafe/`) the crafted archive of a case,
 * gzipped, and returns its path (`<kind>.tar.gz`, in a folder keyed by the
 * guest archive and the case definitions).
 *
 * @example
 * ```ts ignore
 * const disk = await makeDisk({ name: "abs", files: { "rootfs.tar.gz": await unsafeArchive("absolute") } });
 * ```
 */
export function unsafeArchive(kind: UnsafeKind): Promise<string> {
  let p = made.get(kind);
  if (!p) {
    p = (async () => {
      const base = await buildGuestArchive({ compression: "none" });
      const key = (await sha256Hex(
        JSON.stringify({ v: BUILD_VERSION, base: base.path, c: UNSAFE_CASES[kind] }),
      )).slice(0, 12);
      const out = `${UNSAFE_DIR}/${key}/${kind}.tar.gz`;
      if (await exists(out)) return out;
      await Deno.mkdir(`${UNSAFE_DIR}/${key}`, { recursive: true });
      const tar = unsafeTar(kind, await Deno.readFile(base.path));
      await writeAtomic(out, await $`pigz -n -6 -c`.stdin(tar).bytes());
      return out;
    })();
    made.set(kind, p);
  }
  return p;
}
