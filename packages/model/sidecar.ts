/**
 * The digest sidecar beside an archive, `<imgfile>.sha256`, as
 * `sha256sum rootfs.tar.zst > rootfs.tar.zst.sha256` writes it, and its
 * signature `<imgfile>.sha256.sig` (Ed25519, `openssl pkeyutl -sign
 * -rawin`), checked against the public keys the initramfs carries.
 *
 * ```text
 * 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08  rootfs.tar.zst
 * ```
 *
 * Every line that is not empty is `<64 hex digits>  <name>` (text mode) or
 * `<64 hex digits> *<name>` (binary mode); the line whose name, or whose
 * name's last `/` component, is the archive's own file name gives the
 * digest. Anything else in the file makes it malformed; two such lines with
 * different digests make it ambiguous. The module (in shell) and the
 * simulator read it with the same rules, byte by byte (the C locale).
 *
 * @module
 */

/** What the sidecar's name adds to the archive's: `rootfs.tar.zst.sha256`. */
export const SIDECAR_SUFFIX = ".sha256";

/** What the signature's name adds to the sidecar's: `rootfs.tar.zst.sha256.sig`. */
export const SIGNATURE_SUFFIX = ".sig";

/**
 * The most bytes a sidecar or its signature may have: a download is cut
 * off after one more, and a file on a disk is read no further.
 */
export const SIDECAR_MAX_BYTES = 65536;

/**
 * Where the initramfs carries the public keys signatures are checked
 * against: module-setup.sh installs there the keys `tmpfs_root_pubkeys`
 * names, and an initramfs with a file there checks every archive's
 * signature (fail-closed).
 */
export const KEYS_DIR = "/etc/tmpfs-root/keys";

/** The dracut.conf variable that names the public keys to install (space-separated paths). */
export const PUBKEYS_VAR = "tmpfs_root_pubkeys";

/**
 * The programs the signature check runs. module-setup.sh installs them only
 * into an image that carries keys: every other image leaves them out.
 */
export const SIGNATURE_PROGRAMS: readonly string[] = ["openssl"];

/** What reading a sidecar for one archive found. */
export type SidecarResult =
  /** The digest of the archive's line, in lower case. */
  | { readonly kind: "ok"; readonly sha256: string }
  /** A line that is neither empty nor `<64 hex digits>  <name>` or `<64 hex digits> *<name>`. */
  | { readonly kind: "malformed" }
  /** No line names the archive. */
  | { readonly kind: "missing" }
  /** Two lines name the archive with different digests. */
  | { readonly kind: "ambiguous" };

const LINE = /^([0-9A-Fa-f]{64}) [ *](.+)$/s;

/**
 * Reads a sidecar's bytes for the archive whose file name is `name`
 * (without a directory). Lines end with a newline (the last may lack it),
 * and empty ones are skipped; bytes are characters, as in the C locale.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { parseSidecar } from "./sidecar.ts";
 * const text = (s: string) => new TextEncoder().encode(s);
 * const digest = "AB".repeat(32);
 * assert.deepEqual(parseSidecar(text(`${digest}  rootfs.tar.zst\n`), "rootfs.tar.zst"), {
 *   kind: "ok",
 *   sha256: "ab".repeat(32),
 * });
 * assert.equal(parseSidecar(text(`${digest} *rootfs.tar.zst`), "rootfs.tar.zst").kind, "ok");
 * assert.equal(parseSidecar(text(`${digest}  /srv/rootfs.tar.zst`), "rootfs.tar.zst").kind, "ok");
 * assert.equal(parseSidecar(text(`${digest}  other.tar.zst\n`), "rootfs.tar.zst").kind, "missing");
 * assert.equal(parseSidecar(text("<html>\n"), "rootfs.tar.zst").kind, "malformed");
 * ```
 */
export function parseSidecar(bytes: Uint8Array, name: string): SidecarResult {
  const text = Array.from(bytes, (b) => String.fromCharCode(b)).join("");
  const lines = text.split("\n");
  let found: string | null = null;
  let ambiguous = false;
  for (const line of lines) {
    if (line === "") continue;
    const m = LINE.exec(line);
    if (m === null) return { kind: "malformed" };
    const entry = m[2]!;
    if (entry !== name && entry.slice(entry.lastIndexOf("/") + 1) !== name) continue;
    const sha256 = m[1]!.toLowerCase();
    if (found !== null && found !== sha256) ambiguous = true;
    found = sha256;
  }
  if (ambiguous) return { kind: "ambiguous" };
  return found === null ? { kind: "missing" } : { kind: "ok", sha256: found };
}

/**
 * The archive's file name, as a sidecar's line names it: what follows the
 * last `/` of `rd.tmpfs.imgfile` or of the URL.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { archiveFileName } from "./sidecar.ts";
 * assert.equal(archiveFileName("images/rootfs.tar.gz"), "rootfs.tar.gz");
 * assert.equal(archiveFileName("https://h/i/rootfs.tar.zst"), "rootfs.tar.zst");
 * ```
 */
export function archiveFileName(archive: string): string {
  return archive.slice(archive.lastIndexOf("/") + 1);
}
