/**
 * Real boots from a local block device, in both dracut flavours: every
 * `root=tmpfs:` source form, the defaults, a host-only initramfs, and every
 * failure the module must stop cleanly on.
 *
 * @module
 */
import { makeDisk } from "./lib/disk.ts";
import { buildGuestArchive, corruptedCopy, truncatedCopy } from "./lib/guest.ts";
import { CACHE_DIR } from "./lib/_paths.ts";
import {
  ANY_PROGRESS,
  bothFlavours,
  NO_REBOOT,
  once,
  progressLine,
  type Scenario,
} from "./lib/scenario.ts";

/** The ext4 label with a space and a slash; udev shows it as `my\x20disk\x2f1`. */
export const FS_LABEL = "my disk/1";
/** The same label, escaped as udev names it under /dev/disk/by-label. */
export const FS_LABEL_ESCAPED = "my\\x20disk\\x2f1";
/** The ext4 UUID of the labelled disk. */
export const FS_UUID = "2f0f6d4e-1b7a-4c3e-9a55-6d1e8f3b2a10";
/** The MBR disk identifier of the labelled disk: its partition is PARTUUID `1234abcd-01`. */
export const MBR_DISK_ID = "0x1234abcd";
/** The GPT partition name, with a space and a slash. */
export const PART_LABEL = "root part/1";
/** The GPT partition UUID. */
export const PART_UUID = "8c3f9e2a-5b1d-4f6e-a7c8-d9e0f1a2b3c4";

const small = once(() => buildGuestArchive({}));
const big = once(() => buildGuestArchive({ bigFileMiB: 64 }));
/**
 * bzip2 of a 16 MiB random file: under TCG it unpacks at a few hundred KiB/s (a minute or more),
 * so the console shows progress.
 */
const slow = once(() => buildGuestArchive({ compression: "bzip2", bigFileMiB: 16 }));
const noXattrs = once(() => buildGuestArchive({ xattrs: false }));
const selinux = once(() => buildGuestArchive({ selinux: true }));

/** The basic disk: `rootfs.tgz` with a 64 MiB random file on an MBR partition. */
const seedDisk = once(async () =>
  makeDisk({ name: "seed", table: "mbr", files: { "rootfs.tgz": (await big()).path } })
);

/** The slow archive on a disk of its own. */
const slowDisk = once(async () =>
  makeDisk({ name: "progress", table: "mbr", files: { "progress.tar.bz2": (await slow()).path } })
);

/** A labelled MBR disk with the small archive under several names, plus broken ones. */
const labelledDisk = once(async () => {
  const a = (await small()).path;
  const dir = `${CACHE_DIR}/e2e-files`;
  await Deno.mkdir(dir, { recursive: true });
  return makeDisk({
    name: "labelled",
    table: "mbr",
    diskId: MBR_DISK_ID,
    fsLabel: FS_LABEL,
    fsUuid: FS_UUID,
    files: {
      "rootfs.tar.gz": a,
      "rootfs.tgz": a,
      "images/rootfs.tar.gz": a,
      "truncated.tar.gz": await truncatedCopy(a, `${dir}/truncated.tar.gz`),
      "corrupt.tar.gz": await corruptedCopy(a, `${dir}/corrupt.tar.gz`),
      "noxattrs.tar.gz": (await noXattrs()).path,
      "selinux.tar.gz": (await selinux()).path,
    },
  });
});

/** A GPT disk whose partition has a name and UUID; the archive is in a subfolder. */
const gptDisk = once(async () =>
  makeDisk({
    name: "gpt",
    table: "gpt",
    partLabel: PART_LABEL,
    partUuid: PART_UUID,
    files: { "images/rootfs.tar.gz": (await small()).path },
  })
);

/** Text that appears only if a kernel parameter was executed as shell code. */
const CANARY = /PWN[a-z]ED/;

type Base = Omit<Scenario, "flavour" | "name" | "topic"> & { readonly name: string };

/** A scenario for both flavours, named `<flavour>/<name>`. */
function both(base: Base): Scenario[] {
  return bothFlavours("block", "", base);
}

/** A failure scenario: `tmpfs-root: <step> failed: …`, no guest init, QEMU ends by itself. */
function failing(
  name: string,
  step: string,
  cause: RegExp,
  cmdline: string,
  extra: Partial<Base> = {},
): Scenario[] {
  return both({
    name,
    cmdline,
    disk: labelledDisk,
    expect: { kind: "fail", step, line: new RegExp(`tmpfs-root: ${step} failed: ${cause.source}`) },
    ...extra,
  });
}

/** The block-device scenarios. */
export const BLOCK_SCENARIOS: readonly Scenario[] = [
  // The basic block example (/dev/vda1, a 3G tmpfs); the archive holds a 64 MiB random file.
  ...both({
    name: "seed",
    cmdline: "root=tmpfs:/dev/vda1 rd.tmpfs.size=3G rd.tmpfs.imgfile=rootfs.tgz ro",
    disk: seedDisk,
    expect: { kind: "pass", tmpfsSize: "3G" },
    report: {
      result: "ok",
      sourceKind: "block",
      layers: [{
        name: "rootfs.tgz",
        format: "gzip",
        from: /^rootfs\.tgz$/,
        checked: false,
        tries: 1,
      }],
      tmpfs: true,
    },
  }),
  // An unpack that takes longer than 5 s (bzip2 of 16 MiB of random bytes): progress lines on the
  // console, with the percent of the file's size.
  ...both({
    name: "progress-slow-unpack",
    cmdline: "root=tmpfs:/dev/vda1 rd.tmpfs.size=512M rd.tmpfs.imgfile=progress.tar.bz2 ro",
    disk: slowDisk,
    expect: { kind: "pass", tmpfsSize: "512M" },
    require: [progressLine("progress.tar.bz2", true)],
    timeoutSec: 400,
  }),
  ...both({
    name: "label-escaped",
    cmdline:
      `root=tmpfs:LABEL=${FS_LABEL_ESCAPED} rd.tmpfs.size=256M rd.tmpfs.imgfile=rootfs.tgz ro`,
    disk: labelledDisk,
    expect: { kind: "pass", tmpfsSize: "256M" },
    // The small archive unpacks in well under 5 s: no progress line.
    forbid: [ANY_PROGRESS],
    // A loaded machine takes 30 s to reach init under TCG.
    timeoutSec: 240,
  }),
  ...both({
    name: "label-quoted",
    cmdline: `root="tmpfs:LABEL=${FS_LABEL}" rd.tmpfs.size=256M rd.tmpfs.imgfile=rootfs.tgz ro`,
    disk: labelledDisk,
    expect: { kind: "pass", tmpfsSize: "256M" },
  }),
  ...both({
    name: "selinux-relabel",
    cmdline: `root=tmpfs:UUID=${FS_UUID} rd.tmpfs.imgfile=selinux.tar.gz ro`,
    disk: labelledDisk,
    expect: { kind: "pass" },
  }),
  ...both({
    name: "uuid",
    cmdline: `root=tmpfs:UUID=${FS_UUID} rd.tmpfs.size=300m rd.tmpfs.imgfile=rootfs.tar.gz ro`,
    disk: labelledDisk,
    expect: { kind: "pass", tmpfsSize: "300m" },
  }),
  ...both({
    name: "partuuid-mbr",
    cmdline: `root=tmpfs:PARTUUID=${
      MBR_DISK_ID.slice(2)
    }-01 rd.tmpfs.size=40% rd.tmpfs.imgfile=rootfs.tar.gz ro`,
    disk: labelledDisk,
    expect: { kind: "pass", tmpfsSize: "40%" },
  }),
  ...both({
    name: "partlabel-gpt",
    cmdline:
      `root="tmpfs:PARTLABEL=${PART_LABEL}" rd.tmpfs.size=1g rd.tmpfs.imgfile=images/rootfs.tar.gz ro`,
    disk: gptDisk,
    expect: { kind: "pass", tmpfsSize: "1g" },
  }),
  ...both({
    name: "partuuid-gpt",
    cmdline:
      `root=tmpfs:PARTUUID=${PART_UUID} rd.tmpfs.size=262144k rd.tmpfs.imgfile=images/rootfs.tar.gz ro`,
    disk: gptDisk,
    expect: { kind: "pass", tmpfsSize: "262144k" },
  }),
  // Defaults: rootfs.tar.gz at the source's root, size 50% of RAM.
  ...both({
    name: "defaults",
    cmdline: `root=tmpfs:UUID=${FS_UUID} ro`,
    disk: labelledDisk,
    expect: { kind: "pass", tmpfsSize: "50%" },
  }),
  // A host-only initramfs (dracut -H) with dracut's default module set, as a distribution builds it.
  ...both({
    name: "hostonly",
    cmdline: `root=tmpfs:UUID=${FS_UUID} rd.tmpfs.size=3G rd.tmpfs.imgfile=rootfs.tgz ro`,
    disk: labelledDisk,
    initramfs: { hostonly: true, full: true },
    expect: { kind: "pass", tmpfsSize: "3G" },
  }),

  // Failures.
  ...failing(
    "fail-no-device",
    "source",
    /device \/dev\/disk\/by-label\/nosuchlabel \(LABEL=nosuchlabel\) did not appear within \d+ seconds/,
    "root=tmpfs:LABEL=nosuchlabel rd.retry=10 rd.timeout=30 ro",
    { timeoutSec: 240 },
  ),
  ...failing(
    "fail-missing-archive",
    "unpack",
    /no file nosuch\.tar\.gz on \/dev\/vda1$/,
    `root=tmpfs:/dev/vda1 rd.tmpfs.imgfile=nosuch.tar.gz ro`,
  ),
  ...failing(
    "fail-truncated",
    "unpack",
    /truncated\.tar\.gz is truncated$/,
    `root=tmpfs:/dev/vda1 rd.tmpfs.imgfile=truncated.tar.gz ro`,
  ),
  ...failing(
    "fail-corrupt",
    "unpack",
    /corrupt\.tar\.gz is corrupt$/,
    `root=tmpfs:/dev/vda1 rd.tmpfs.imgfile=corrupt.tar.gz ro`,
  ),
  ...failing(
    "fail-tmpfs-too-small",
    "unpack",
    /the tmpfs is full \(size=1M\)/,
    `root=tmpfs:/dev/vda1 rd.tmpfs.size=1M ro`,
  ),
  ...failing(
    "fail-invalid-size",
    "cmdline",
    /invalid rd\.tmpfs\.size "3Q": expected /,
    `root=tmpfs:/dev/vda1 rd.tmpfs.size=3Q ro`,
  ),
  // Hostile parameters: fail cleanly, never execute.
  ...failing(
    "hostile-imgfile-subst",
    "unpack",
    /no file '\$\(reboot\)' on \/dev\/vda1$/,
    `root=tmpfs:/dev/vda1 rd.tmpfs.imgfile='$(reboot)' ro`,
  ),
  ...failing(
    "hostile-imgfile-semicolon",
    "unpack",
    /no file ;reboot on \/dev\/vda1$/,
    `root=tmpfs:/dev/vda1 rd.tmpfs.imgfile=;reboot ro`,
  ),
  ...failing(
    "hostile-imgfile-canary",
    "unpack",
    /no file \$\(printf PWN%sED a >\/dev\/kmsg\) on \/dev\/vda1$/,
    `root=tmpfs:/dev/vda1 "rd.tmpfs.imgfile=$(printf PWN%sED a >/dev/kmsg)" ro`,
    { forbid: [CANARY] },
  ),
  ...failing(
    "hostile-size-canary",
    "cmdline",
    /invalid rd\.tmpfs\.size "`printf\$\{IFS\}PWN%sED\$\{IFS\}b`": expected /,
    `root=tmpfs:/dev/vda1 rd.tmpfs.size=\`printf\${IFS}PWN%sED\${IFS}b\` ro`,
    { forbid: [CANARY] },
  ),
  ...failing(
    "hostile-source-canary",
    "source",
    /device \/dev\/disk\/by-label\/\\x24\\x28printf\\x24\\x7bIFS\\x7dPWN\\x25sED\\x24\\x7bIFS\\x7dc\\x29x \(LABEL=\$\(printf\$\{IFS\}PWN%sED\$\{IFS\}c\)x\) did not appear/,
    `root=tmpfs:LABEL=$(printf\${IFS}PWN%sED\${IFS}c)x rd.retry=6 rd.timeout=20 ro`,
    { forbid: [CANARY], timeoutSec: 240 },
  ),
];

/** Harness self-test: an archive packed without xattrs must make the guest's checks fail. */
export const HARNESS_SCENARIOS: readonly Scenario[] = [{
  name: "classic/harness-detects-lost-xattrs",
  topic: "harness",
  flavour: "classic",
  cmdline: `root=tmpfs:/dev/vda1 rd.tmpfs.imgfile=noxattrs.tar.gz ro`,
  disk: labelledDisk,
  expect: { kind: "guest-fail", reason: /xattr/ },
  forbid: [NO_REBOOT],
}];
