/**
 * Real boots of `rd.tmpfs.verify`, in both dracut flavours: a sidecar
 * (`rootfs.tar.gz.sha256`) read from the source before anything is
 * written, present, missing and wrong; and an initramfs built with a
 * public key (`tmpfs_root_pubkeys`), which boots only archives whose
 * sidecar is signed by that key: signed, unsigned, signed by a stranger,
 * edited after signing, and a command line that tries `rd.tmpfs.verify=none`;
 * from a disk, and signed and unsigned over HTTP and NFS.
 *
 * The keys, sidecars and signatures are made with openssl and sha256sum as
 * docs/safety.md tells an operator to (`lib/signed_files.ts`).
 *
 * @module
 */
import { makeDisk } from "./lib/disk.ts";
import { buildGuestArchive } from "./lib/guest.ts";
import {
  bothFlavoursNet,
  HTTP_PORT,
  IMGFILE,
  type NetSetup,
  networkArchive,
  NFS_EXPORT,
} from "./lib/network_env.ts";
import { literal, once, type Scenario } from "./lib/scenario.ts";
import { keyPair, sidecarFiles, type SidecarSpec } from "./lib/signed_files.ts";

const HTTP = `http://10.0.2.2:${HTTP_PORT}`;
const NFS_SRC = `10.0.2.2:${NFS_EXPORT}`;
const NET_ARGS = "ip=dhcp rd.neednet=1";

const site = await keyPair("site");
const stranger = await keyPair("stranger");
/** The initramfs options of an image that carries the site's key. */
const KEYED = { pubkeys: [site.pub] };

const ARCHIVE = "rootfs.tar.gz";
const diskArchive = (await buildGuestArchive({})).path;

/** A disk with the archive and the sidecar files `spec` asks for (none: the archive alone). */
function diskWith(name: string, spec?: Omit<SidecarSpec, "archive" | "name">) {
  return once(async () => {
    const extra = spec === undefined
      ? {}
      : await sidecarFiles({ archive: diskArchive, name: ARCHIVE, ...spec });
    return makeDisk({
      name: `sign-${name}`,
      table: "mbr",
      files: { [ARCHIVE]: diskArchive, ...extra },
    });
  });
}

/** The servers' files beside their archive (`images/rootfs.tar.gz`). */
function netWith(spec: Omit<SidecarSpec, "archive" | "name">): NetSetup["extraFiles"] {
  return async () => sidecarFiles({ archive: await networkArchive(), name: IMGFILE, ...spec });
}

type Base =
  & Omit<Scenario, "flavour" | "name" | "topic" | "context">
  & { readonly name: string; readonly net?: NetSetup };

/** A scenario for both flavours, named `<flavour>/sign-<name>`. */
function both(base: Base): Scenario[] {
  return bothFlavoursNet("sign", "sign-", base);
}

/** A boot that must stop with `tmpfs-root: <step> failed: <cause>` (cause a literal). */
function failing(step: string, cause: string): Scenario["expect"] {
  return { kind: "fail", step, line: new RegExp(`tmpfs-root: ${step} failed: ${literal(cause)}`) };
}

const BLOCK = `root=tmpfs:/dev/vda1 rd.tmpfs.imgfile=${ARCHIVE} rd.tmpfs.size=256M`;
const NOT_SIGNED = `${ARCHIVE}.sha256.sig is not a signature of ${ARCHIVE}.sha256 by any key in ` +
  "/etc/tmpfs-root/keys";

/** The sidecar and signature scenarios (24 boots). */
export const SIGN_SCENARIOS: readonly Scenario[] = [
  // A sidecar, no keys: present, missing, and naming another digest.
  ...both({
    name: "sidecar",
    cmdline: `${BLOCK} rd.tmpfs.verify=sidecar ro`,
    disk: diskWith("sidecar", {}),
    expect: { kind: "pass", tmpfsSize: "256M" },
    // The digest was hashed on the way and checked against the sidecar's.
    report: {
      result: "ok",
      sourceKind: "block",
      layers: [{ name: ARCHIVE, format: "gzip", checked: true, tries: 1 }],
      tmpfs: true,
    },
  }),
  ...both({
    name: "sidecar-missing",
    cmdline: `${BLOCK} rd.tmpfs.verify=sidecar ro`,
    disk: diskWith("bare"),
    expect: failing("verify", `${ARCHIVE}.sha256 is missing`),
  }),
  ...both({
    name: "sidecar-wrong",
    cmdline: `${BLOCK} rd.tmpfs.verify=sidecar ro`,
    disk: diskWith("wrong", { digest: "ab".repeat(32) }),
    expect: {
      kind: "fail",
      step: "verify",
      line: new RegExp(
        `tmpfs-root: verify failed: ${literal(ARCHIVE)} has sha256 [0-9a-f]{64}, expected ${
          "ab".repeat(32)
        }`,
      ),
    },
  }),
  // An initramfs with the site's key: only archives it signed boot.
  ...both({
    name: "signed",
    cmdline: `${BLOCK} ro`,
    disk: diskWith("signed", { signWith: site }),
    initramfs: KEYED,
    expect: { kind: "pass", tmpfsSize: "256M" },
  }),
  ...both({
    name: "unsigned",
    cmdline: `${BLOCK} ro`,
    disk: diskWith("sidecar", {}),
    initramfs: KEYED,
    expect: failing(
      "verify",
      `${ARCHIVE}.sha256.sig is missing: this initramfs boots only signed archives`,
    ),
  }),
  ...both({
    name: "unknown-key",
    cmdline: `${BLOCK} ro`,
    disk: diskWith("stranger", { signWith: stranger }),
    initramfs: KEYED,
    expect: failing("verify", NOT_SIGNED),
  }),
  ...both({
    name: "bad-signature",
    cmdline: `${BLOCK} ro`,
    disk: diskWith("tampered", { signWith: site, tamper: true }),
    initramfs: KEYED,
    expect: failing("verify", NOT_SIGNED),
  }),
  // The command line cannot turn the check off.
  ...both({
    name: "verify-none-refused",
    cmdline: `${BLOCK} rd.tmpfs.verify=none ro`,
    disk: diskWith("signed", { signWith: site }),
    initramfs: KEYED,
    expect: {
      kind: "fail",
      step: "cmdline",
      line: /tmpfs-root: cmdline failed: invalid rd\.tmpfs\.verify "none": expected signature/,
    },
  }),
  // Over HTTP and NFS: the sidecar and its signature come from the same server.
  ...both({
    name: "http-signed",
    cmdline: `root=tmpfs:${HTTP}/${IMGFILE} rd.tmpfs.size=256M ${NET_ARGS} ro`,
    net: { extraFiles: netWith({ signWith: site }) },
    initramfs: KEYED,
    expect: { kind: "pass", tmpfsSize: "256M" },
  }),
  ...both({
    name: "http-unsigned",
    cmdline: `root=tmpfs:${HTTP}/${IMGFILE} rd.tmpfs.size=256M ${NET_ARGS} ro`,
    net: { extraFiles: netWith({}) },
    initramfs: KEYED,
    expect: failing(
      "verify",
      `${HTTP}/${IMGFILE}.sha256.sig is missing: this initramfs boots only signed archives`,
    ),
  }),
  ...both({
    name: "nfs-signed",
    cmdline:
      `root=tmpfs:NFS=nfs:${NFS_SRC},tcp,vers=3 rd.tmpfs.imgfile=${IMGFILE} rd.tmpfs.size=256M ${NET_ARGS} ro`,
    net: { nfs: "up", extraFiles: netWith({ signWith: site }) },
    initramfs: KEYED,
    expect: { kind: "pass", tmpfsSize: "256M" },
  }),
  ...both({
    name: "nfs-sidecar-wrong",
    cmdline:
      `root=tmpfs:NFS=nfs:${NFS_SRC},tcp,vers=3 rd.tmpfs.imgfile=${IMGFILE} rd.tmpfs.size=256M rd.tmpfs.verify=sidecar ${NET_ARGS} ro`,
    net: { nfs: "up", extraFiles: netWith({ digest: "cd".repeat(32) }) },
    expect: {
      kind: "fail",
      step: "verify",
      line: new RegExp(
        `tmpfs-root: verify failed: ${literal(IMGFILE)} has sha256 [0-9a-f]{64}, expected ${
          "cd".repeat(32)
        }`,
      ),
    },
  }),
];
