/**
 * Real boots that check the archive's digest while it streams
 * (`rd.tmpfs.sha256=`), in both dracut flavours, from a disk, an NFS export
 * and a web server: the right digest (given in upper case, which is
 * accepted) boots; a wrong one stops the boot with one line naming both
 * digests, after the whole archive went through tar, and never switches
 * root.
 *
 * The digests are those of the archives the disk and the servers hold,
 * computed when the scenarios are listed (the archives are cached).
 *
 * @module
 */
import { makeDisk } from "./lib/disk.ts";
import { buildGuestArchive } from "./lib/guest.ts";
import { sha256Hex } from "./lib/_hash.ts";
import {
  bothFlavoursNet,
  HTTP_PORT,
  IMGFILE,
  type NetSetup,
  networkArchive,
  NFS_EXPORT,
} from "./lib/network_env.ts";
import { once, type Scenario } from "./lib/scenario.ts";

const HTTP = `http://10.0.2.2:${HTTP_PORT}`;
const NFS_SRC = `10.0.2.2:${NFS_EXPORT}`;

/** A file's SHA-256, as sha256sum prints it. */
async function fileDigest(path: string): Promise<string> {
  return await sha256Hex(await Deno.readFile(path));
}

/** The disk's archive (the small guest) and the servers' (the guest with the network checks). */
const diskArchive = (await buildGuestArchive({})).path;
const DISK_DIGEST = await fileDigest(diskArchive);
const NET_DIGEST = await fileDigest(await networkArchive());
/** A digest of nothing the sources hold. */
const WRONG = "0123456789abcdef".repeat(4);

const disk = once(() =>
  makeDisk({ name: "verify", table: "mbr", files: { "rootfs.tar.gz": diskArchive } })
);

type Base =
  & Omit<Scenario, "flavour" | "name" | "topic" | "context">
  & { readonly name: string; readonly net?: NetSetup };

/** A scenario for both flavours, named `<flavour>/verify-<name>`. */
function both(base: Base): Scenario[] {
  return bothFlavoursNet("verify", "verify-", base);
}

/** A boot that must stop naming the archive, the digest it has and the one expected. */
function mismatch(archive: string, has: string): Scenario["expect"] {
  const name = archive.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  return {
    kind: "fail",
    step: "verify",
    line: new RegExp(`tmpfs-root: verify failed: ${name} has sha256 ${has}, expected ${WRONG}$`),
  };
}

/** The sources, each with its command line's source part, the archive it serves and its digest. */
const SOURCES: readonly {
  name: string;
  source: string;
  archive: string;
  digest: string;
  disk?: () => Promise<string>;
  net?: NetSetup;
}[] = [
  {
    name: "block",
    source: "root=tmpfs:/dev/vda1 rd.tmpfs.imgfile=rootfs.tar.gz",
    archive: "rootfs.tar.gz",
    digest: DISK_DIGEST,
    disk,
  },
  {
    name: "nfs",
    source:
      `root=tmpfs:NFS=nfs:${NFS_SRC},tcp,vers=3 rd.tmpfs.imgfile=${IMGFILE} ip=dhcp rd.neednet=1`,
    archive: IMGFILE,
    digest: NET_DIGEST,
    net: { nfs: "up" },
  },
  {
    name: "http",
    source: `root=tmpfs:${HTTP}/${IMGFILE} ip=dhcp rd.neednet=1`,
    archive: `${HTTP}/${IMGFILE}`,
    digest: NET_DIGEST,
    net: {},
  },
];

/** The digest scenarios: a match and a mismatch from each source, in both flavours (12 boots). */
export const VERIFY_SCENARIOS: readonly Scenario[] = SOURCES.flatMap((s) => {
  const where = { ...(s.disk ? { disk: s.disk } : {}), ...(s.net ? { net: s.net } : {}) };
  return [
    ...both({
      name: `${s.name}-sha256-match`,
      cmdline: `${s.source} rd.tmpfs.size=256M rd.tmpfs.sha256=${s.digest.toUpperCase()} ro`,
      ...where,
      expect: { kind: "pass", tmpfsSize: "256M" },
    }),
    ...both({
      name: `${s.name}-sha256-mismatch`,
      cmdline: `${s.source} rd.tmpfs.size=256M rd.tmpfs.sha256=${WRONG} ro`,
      ...where,
      expect: mismatch(s.archive, s.digest),
    }),
  ];
});
