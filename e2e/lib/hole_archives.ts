/**
 * Broken guest archives for the `holes` scenarios, made from the guest's
 * plain tar with the byte-level helpers of `tar_bytes.ts` and cached under
 * `.cache/e2e-holes/`: a stream cut at a member boundary (plain, gzip,
 * zstd, and gzip followed by garbage), a member whose capability xattr the
 * kernel refuses, and members named with `..`.
 *
 * @module
 */
import $ from "dax";
import { sha256Hex } from "./_hash.ts";
import { CACHE_DIR, exists, writeAtomic } from "./_paths.ts";
import { buildGuestArchive } from "./guest.ts";
import { appendMembers, concatBytes, cutTar, type MemberSpec } from "./tar_bytes.ts";

/** The broken archives, by file name. */
export type HoleArchive =
  | "cut.tar"
  | "cut.tar.gz"
  | "cut.tar.zst"
  | "cut-garbage.tar.gz"
  | "badcap.tar.gz"
  | "dotdot.tar.gz";

/** Bump to rebuild every cached broken archive after a change to how they are built. */
const BUILD_VERSION = "1";

const HOLES_DIR = `${CACHE_DIR}/e2e-holes`;

/** Bytes after the first gzip member: gzip -d says "trailing garbage ignored" and exits 2. */
export const GARBAGE: Uint8Array = new TextEncoder().encode(
  "GARBAGE AFTER THE GZIP MEMBER\n".repeat(64),
);

const enc = new TextEncoder();

/**
 * The member with an invalid `security.capability` (7 bytes, "garbage"):
 * the kernel rejects it with EINVAL, and GNU tar 1.34 only warns.
 */
export const BADCAP_MEMBER: MemberSpec = {
  name: "usr/bin/badcap",
  mode: 0o755,
  data: enc.encode("#!/bin/sh\necho badcap\n"),
  pax: { "SCHILY.xattr.security.capability": "garbage" },
};

/** Members whose names climb out of the root with `..`. */
export const DOTDOT_MEMBERS: readonly MemberSpec[] = [
  { name: "../escape", data: enc.encode("escaped\n") },
  { name: "a/../../escape2", data: enc.encode("escaped too\n") },
];

/** gzip (pigz, no name or time stamp) or zstd of a byte stream. */
async function compress(data: Uint8Array, how: "gzip" | "zstd"): Promise<Uint8Array> {
  return how === "gzip"
    ? await $`pigz -n -6 -c`.stdin(data).bytes()
    : await $`zstd -q -3 -c`.stdin(data).bytes();
}

/** The bytes of one broken archive, from the guest's plain tar. */
async function make(kind: HoleArchive, tar: Uint8Array): Promise<Uint8Array> {
  switch (kind) {
    case "cut.tar":
      return cutTar(tar);
    case "cut.tar.gz":
      return await compress(cutTar(tar), "gzip");
    case "cut.tar.zst":
      return await compress(cutTar(tar), "zstd");
    case "cut-garbage.tar.gz":
      return concatBytes([await compress(cutTar(tar), "gzip"), GARBAGE]);
    case "badcap.tar.gz":
      return await compress(appendMembers(tar, [BADCAP_MEMBER]), "gzip");
    case "dotdot.tar.gz":
      return await compress(appendMembers(tar, DOTDOT_MEMBERS), "gzip");
    default: {
      const never: never = kind;
      throw new TypeError(`Unknown broken archive "${never}"`);
    }
  }
}

const made = new Map<HoleArchive, Promise<string>>();

/**
 * Builds (or takes from `.cache/e2e-holes/`) a broken archive and returns
 * its path, named `kind`, in a folder keyed by the guest archive.
 *
 * @example
 * ```ts ignore
 * const disk = await makeDisk({ name: "cut", files: { "rootfs.tar.gz": await holeArchive("cut.tar.gz") } });
 * ```
 */
export function holeArchive(kind: HoleArchive): Promise<string> {
  let p = made.get(kind);
  if (!p) {
    p = (async () => {
      const base = await buildGuestArchive({ compression: "none" });
      const key = (await sha256Hex(JSON.stringify({ v: BUILD_VERSION, base: base.path })))
        .slice(0, 12);
      const out = `${HOLES_DIR}/${key}/${kind}`;
      if (await exists(out)) return out;
      await Deno.mkdir(`${HOLES_DIR}/${key}`, { recursive: true });
      await writeAtomic(out, await make(kind, await Deno.readFile(base.path)));
      return out;
    })();
    made.set(kind, p);
  }
  return p;
}
