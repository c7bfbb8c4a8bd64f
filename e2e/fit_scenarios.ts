/**
 * Real boots of images that fit, in both dracut flavours: the tmpfs sized
 * from the manifest beside the archive (no `rd.tmpfs.size`: its unpacked
 * bytes and headroom, `nr_inodes` from its inodes), and the manifests that
 * stop the boot before anything is written: one larger than the size asked
 * for, one larger than the RAM allows, one that is not valid; and one that
 * lies (smaller than the archive), which fills the tmpfs and says so; and
 * `rd.tmpfs.opts`: nr_inodes, mode and a NUMA policy passed on, a policy the
 * kernel refuses dropped with a warning, an option it does not know refused.
 *
 * The manifests are written here, with chosen counts, beside copies of the
 * small guest archive: the module reads only the counts and the name. The
 * boots that stop carry the outside check (`lib/outside_check.ts`), whose
 * line says what `$NEWROOT` was when the boot stopped: not mounted (the
 * classic flavour: the tmpfs is never mounted) or empty (systemd's
 * `sysroot.mount` mounts it empty before tmpfs-root runs).
 *
 * @module
 */
import { inspectArchive } from "@tmpfs-root/image";
import { type Attribute, ATTRIBUTES, formatManifest, type Manifest } from "@tmpfs-root/model";
import { makeDisk } from "./lib/disk.ts";
import { buildGuestArchive } from "./lib/guest.ts";
import { newrootState, OUTSIDE_TROUBLE, outsideCheckArgs } from "./lib/outside_check.ts";
import { CACHE_DIR, writeAtomic } from "./lib/_paths.ts";
import {
  bothFlavours,
  type FlavourlessScenario,
  literal,
  once,
  type Scenario,
} from "./lib/scenario.ts";

const MiB = 1024 ** 2;

/**
 * A manifest for `archive` with these counts (the digest and sizes it does
 * not check, made up), and `attributes=` when given.
 */
function manifest(
  archive: string,
  unpackedBytes: number,
  inodes: number,
  attributes?: readonly Attribute[],
): string {
  const m: Manifest = {
    archive,
    format: "gzip",
    compressedBytes: 1,
    unpackedBytes,
    inodes,
    sha256: "0".repeat(64),
    ...(attributes === undefined ? {} : { attributes }),
  };
  return formatManifest(m);
}

/** The manifests beside the archives, by the archive's name on the disk. */
const MANIFESTS: Readonly<Record<string, string>> = {
  // 100 MiB and 1,000 inodes: a tmpfs of 164 MiB (64 MiB of headroom), nr_inodes 17384.
  "honest.tar.gz": manifest("honest.tar.gz", 100 * MiB, 1000),
  // 1 MiB: the archive unpacks to about 6 MiB, more than the 4 MiB tmpfs asked for.
  "lies.tar.gz": manifest("lies.tar.gz", 1 * MiB, 1000),
  // 3 GiB: more than rd.tmpfs.size=256M, and more than the guest's RAM.
  "huge.tar.gz": manifest("huge.tar.gz", 3 * 1024 * MiB, 1000),
  "invalid.tar.gz": "version=1\nthis line has no equals sign\n",
  // attributes=none for an archive whose entries carry xattrs: tar restores none of them.
  "noattrs.tar.gz": manifest("noattrs.tar.gz", 100 * MiB, 1000, []),
};

/** A disk with the small guest archive under each name above, its manifest beside it. */
const fitDisk = once(async () => {
  const archive = (await buildGuestArchive({})).path;
  const dir = `${CACHE_DIR}/e2e-fit`;
  await Deno.mkdir(dir, { recursive: true });
  const files: Record<string, string> = {};
  // The kinds of attribute the archive carries, as tmpfs-root pack records them.
  const found = (await inspectArchive(archive)).attributes;
  const kinds = ATTRIBUTES.filter((a) => found[a]);
  for (
    const [name, text] of Object.entries({
      ...MANIFESTS,
      "attrs.tar.gz": manifest("attrs.tar.gz", 100 * MiB, 1000, kinds),
    })
  ) {
    await writeAtomic(`${dir}/${name}.manifest`, text);
    files[name] = archive;
    files[`${name}.manifest`] = `${dir}/${name}.manifest`;
  }
  return makeDisk({ name: "fit", table: "mbr", files });
});

const CHECK_ARGS = await outsideCheckArgs();

function both(base: FlavourlessScenario): Scenario[] {
  return bothFlavours("fit", "fit-", { ...base, disk: fitDisk });
}

/**
 * A boot that stops before anything is written: its line, an untouched new
 * root and, with `stepId`, a report that says so (read from the initramfs).
 */
function stopsBeforeWriting(
  name: string,
  cmdline: string,
  step: string,
  cause: RegExp,
  stepId?: string,
): Scenario[] {
  return both({
    name,
    cmdline,
    initramfs: { extraArgs: CHECK_ARGS },
    expect: { kind: "fail", step, line: new RegExp(`tmpfs-root: ${step} failed: ${cause.source}`) },
    forbid: [OUTSIDE_TROUBLE],
    ...(stepId === undefined
      ? {}
      : { report: { result: "failed", stepId, cause, layers: [], tmpfs: false } as const }),
  }).map((s) => ({
    ...s,
    // The classic flavour never mounts the tmpfs; systemd's sysroot.mount mounted it empty.
    require: [
      newrootState(s.flavour === "classic" ? "not mounted" : "empty", "shutdown-emergency"),
    ],
  }));
}

/** The fit scenarios (20 boots). */
export const FIT_SCENARIOS: readonly Scenario[] = [
  // rd.tmpfs.opts: nr_inodes given (it holds the manifest's 1,000), mode, and interleave on a
  // guest of one NUMA node, which the kernel takes or refuses (then the tmpfs is mounted
  // without it, and the console says so).
  ...both({
    name: "opts-nr-inodes-mode-mpol",
    cmdline:
      "root=tmpfs:/dev/vda1 rd.tmpfs.imgfile=honest.tar.gz rd.tmpfs.size=256M rd.tmpfs.opts=nr_inodes=200k,mode=0755,mpol=interleave ro",
    expect: { kind: "pass", tmpfsSize: "256M" },
    require: [
      /TMPFS-ROOT-E2E-NOTE: root: tmpfs \/ tmpfs \S*nr_inodes=204800/,
      /TMPFS-ROOT-E2E-NOTE: root: tmpfs \/ tmpfs \S*mpol=interleave|tmpfs-root: warning: the kernel refused mpol=interleave/,
    ],
  }),
  // A node the guest does not have: refused, mounted again without it, and the boot goes on.
  ...both({
    name: "opts-mpol-refused",
    cmdline:
      "root=tmpfs:/dev/vda1 rd.tmpfs.imgfile=honest.tar.gz rd.tmpfs.size=256M rd.tmpfs.opts=mpol=bind:1 ro",
    expect: { kind: "pass", tmpfsSize: "256M" },
    require: [
      /tmpfs-root: warning: the kernel refused mpol=bind:1 \(.+\); the tmpfs is mounted without it/,
    ],
    forbid: [/TMPFS-ROOT-E2E-NOTE: root: tmpfs \/ tmpfs \S*mpol=/],
  }),
  // An option tmpfs-root does not pass on: a parameter error, before anything is mounted.
  ...stopsBeforeWriting(
    "opts-invalid",
    "root=tmpfs:/dev/vda1 rd.tmpfs.imgfile=honest.tar.gz rd.tmpfs.opts=nr_inodes=1000,uid=0 ro",
    "cmdline",
    new RegExp(literal('invalid rd.tmpfs.opts "nr_inodes=1000,uid=0": expected tmpfs options')),
  ),
  // No rd.tmpfs.size: the tmpfs is sized from the manifest (the guest checks size=, and the
  // mount's nr_inodes is in its note of the root's mount line).
  ...both({
    name: "manifest-sizes",
    cmdline: "root=tmpfs:/dev/vda1 rd.tmpfs.imgfile=honest.tar.gz ro",
    expect: { kind: "pass", tmpfsSize: "164M" },
    require: [/TMPFS-ROOT-E2E-NOTE: root: tmpfs \/ tmpfs \S*nr_inodes=17384/],
  }),
  // attributes= names the kinds the archive carries: tar gets only their options, and the guest
  // finds every xattr, capability and ACL of the tree.
  ...both({
    name: "manifest-attributes",
    cmdline: "root=tmpfs:/dev/vda1 rd.tmpfs.imgfile=attrs.tar.gz ro",
    expect: { kind: "pass", tmpfsSize: "164M" },
  }),
  // attributes=none: tar is not asked to restore xattrs, and the guest's check of them fails
  // (the option is left out as the manifest says, and the guest's check can see it).
  ...both({
    name: "manifest-attributes-none",
    cmdline: "root=tmpfs:/dev/vda1 rd.tmpfs.imgfile=noattrs.tar.gz ro",
    expect: { kind: "guest-fail", reason: /xattr/ },
  }),
  ...stopsBeforeWriting(
    "manifest-larger-than-size",
    "root=tmpfs:/dev/vda1 rd.tmpfs.imgfile=huge.tar.gz rd.tmpfs.size=256M ro",
    "tmpfs",
    new RegExp(literal("huge.tar.gz unpacks to 3.0 GiB, rd.tmpfs.size=256M allows 256.0 MiB")),
    "fit",
  ),
  // No rd.tmpfs.size: the RAM (768 MiB) less its reserve is the limit.
  ...stopsBeforeWriting(
    "manifest-larger-than-ram",
    "root=tmpfs:/dev/vda1 rd.tmpfs.imgfile=huge.tar.gz ro",
    "tmpfs",
    /huge\.tar\.gz unpacks to 3\.0 GiB, the RAM less its reserve allows \d+\.\d MiB/,
  ),
  ...stopsBeforeWriting(
    "manifest-invalid",
    "root=tmpfs:/dev/vda1 rd.tmpfs.imgfile=invalid.tar.gz ro",
    "manifest",
    new RegExp(literal("invalid.tar.gz.manifest is not a valid manifest: line 2 is not key=value")),
  ),
  // A manifest that says 1 MiB for an archive of about 6 MiB: it fits the 4 MiB asked for, the
  // unpack fills the tmpfs, and the line says the manifest was wrong.
  ...both({
    name: "manifest-lies",
    cmdline: "root=tmpfs:/dev/vda1 rd.tmpfs.imgfile=lies.tar.gz rd.tmpfs.size=4M ro",
    expect: {
      kind: "fail",
      step: "unpack",
      line: new RegExp(literal(
        "tmpfs-root: unpack failed: the tmpfs is full (size=4M,nr_inodes=17384): the archive needs more than lies.tar.gz.manifest says",
      )),
    },
  }),
];
