/**
 * Real boots that probe holes in the module, in both dracut flavours: a
 * tar stream cut at a member boundary (no end-of-archive blocks) that GNU
 * tar accepts silently, from a disk (gzip, zstd, gzip with trailing
 * garbage) and over HTTP (plain tar); a body that never ends (a tar header
 * claiming 1 TiB, then zeros, fast or trickled); an https source
 * redirected to http; glob characters in `rd.tmpfs.imgfile` (curl would
 * expand them); a capability xattr the kernel refuses (GNU tar only
 * warns); and members named with `..` (the line must quote tar's error,
 * not its first warning).
 *
 * The broken archives are made byte by byte (`lib/tar_bytes.ts`,
 * `lib/hole_archives.ts`); the network ones use the namespaced servers of
 * `lib/network_env.ts` with the redirect and endless-body behaviours of
 * `lib/http_server.ts`.
 *
 * @module
 */
import { makeDisk } from "./lib/disk.ts";
import { type HoleArchive, holeArchive } from "./lib/hole_archives.ts";
import {
  bothFlavoursNet,
  CAFILE_IN_INITRD,
  ensureTestCa,
  HTTP_PORT,
  HTTPS_PORT,
  IMGFILE,
  type NetSetup,
} from "./lib/network_env.ts";
import { once, type Scenario } from "./lib/scenario.ts";
import { endlessHeader } from "./lib/tar_bytes.ts";

const HTTP = `http://10.0.2.2:${HTTP_PORT}`;
const HTTPS = `https://10.0.2.2:${HTTPS_PORT}`;
/** The good archive the plain server serves (see `serverRoot`). */
const ARCHIVE_PATH = `/${IMGFILE}`;
/** Where the servers redirect from. */
const MOVED_PATH = "/moved/rootfs.tar.gz";
/** The endless body's path. */
const ENDLESS_PATH = "/endless.tar";
/** The network part of every HTTP command line here, as in `network_scenarios.ts`. */
const NET_ARGS = "ip=dhcp rd.neednet=1 ro";

/** The CA the HTTPS scenario bakes into its initramfs (made once, cached). */
const tls = await ensureTestCa();

/** Bytes as base64 (the server's configuration is JSON). */
function base64(bytes: Uint8Array): string {
  return btoa(Array.from(bytes, (b) => String.fromCharCode(b)).join(""));
}

/** The endless body's first bytes: a ustar header of a regular file claiming 1 TiB. */
const ENDLESS_PREFIX = base64(endlessHeader("endless.bin"));

/** A disk holding `rootfs.tar.gz` (and maybe `rootfs.tar.zst`) made from broken archives. */
function holeDisk(name: string, files: Readonly<Record<string, HoleArchive>>) {
  return once(async () => {
    const host: Record<string, string> = {};
    for (const [path, kind] of Object.entries(files)) host[path] = await holeArchive(kind);
    return makeDisk({ name: `holes-${name}`, table: "mbr", files: host });
  });
}

const cutDisk = holeDisk("cut", { "rootfs.tar.gz": "cut.tar.gz", "rootfs.tar.zst": "cut.tar.zst" });
const garbageDisk = holeDisk("garbage", { "rootfs.tar.gz": "cut-garbage.tar.gz" });
const badcapDisk = holeDisk("badcap", { "rootfs.tar.gz": "badcap.tar.gz" });
const dotdotDisk = holeDisk("dotdot", { "rootfs.tar.gz": "dotdot.tar.gz" });

type Base =
  & Omit<Scenario, "flavour" | "name" | "topic" | "context">
  & {
    readonly name: string;
    /** The servers around the boot; none for a disk boot. */
    readonly net?: NetSetup;
  };

/** A scenario for both flavours, named `<flavour>/holes-<name>`. */
function both(base: Base): Scenario[] {
  return bothFlavoursNet("holes", "holes-", base);
}

/** A boot that must stop with `tmpfs-root: <step> failed: <cause>`. */
function failing(step: string, cause: string): Scenario["expect"] {
  return { kind: "fail", step, line: new RegExp(`tmpfs-root: ${step} failed: ${cause}`) };
}

/** The `holes` scenarios (22 boots). */
export const HOLE_SCENARIOS: readonly Scenario[] = [
  // 1. A tar stream cut at a member boundary, without its end blocks: GNU tar
  //    unpacks it and exits 0; only the missing end blocks tell.
  ...both({
    name: "cut-gz",
    cmdline: "root=tmpfs:/dev/vda1 rd.tmpfs.size=256M rd.tmpfs.imgfile=rootfs.tar.gz ro",
    disk: cutDisk,
    expect: failing("unpack", String.raw`rootfs\.tar\.gz is truncated`),
  }),
  ...both({
    name: "cut-zst",
    cmdline: "root=tmpfs:/dev/vda1 rd.tmpfs.size=256M rd.tmpfs.imgfile=rootfs.tar.zst ro",
    disk: cutDisk,
    expect: failing("unpack", String.raw`rootfs\.tar\.zst is truncated`),
  }),
  // The same stream gzipped, then garbage: gzip says "trailing garbage ignored" and exits 2.
  ...both({
    name: "cut-gz-garbage",
    cmdline: "root=tmpfs:/dev/vda1 rd.tmpfs.size=256M rd.tmpfs.imgfile=rootfs.tar.gz ro",
    disk: garbageDisk,
    expect: failing("unpack", String.raw`rootfs\.tar\.gz is truncated`),
  }),
  // 2. A plain tar cut the same way, over HTTP.
  ...both({
    name: "http-cut-tar",
    cmdline: `root=tmpfs:${HTTP}/rootfs.tar rd.tmpfs.size=256M ${NET_ARGS}`,
    net: { extraFiles: async () => ({ "rootfs.tar": await holeArchive("cut.tar") }) },
    expect: failing("unpack", String.raw`http:\/\/\S+ is truncated`),
  }),
  // 3. 200 without a length, a header claiming 1 TiB, then zeros as fast as the guest reads.
  ...both({
    name: "http-endless-larger-than-tmpfs",
    cmdline:
      `root=tmpfs:${HTTP}${ENDLESS_PATH} rd.tmpfs.size=64m rd.tmpfs.timeout=40 rd.tmpfs.retries=0 ${NET_ARGS}`,
    net: { httpFaults: { endless: { [ENDLESS_PATH]: { prefixBase64: ENDLESS_PREFIX } } } },
    expect: failing("unpack", String.raw`http:\/\/\S+ is larger than the tmpfs`),
  }),
  // 4. The same header, then 2 bytes a second (chunked): only a deadline ends it.
  ...both({
    name: "http-trickle-deadline",
    cmdline: `root=tmpfs:${HTTP}${ENDLESS_PATH} rd.tmpfs.timeout=20 rd.tmpfs.retries=3 ${NET_ARGS}`,
    net: {
      httpFaults: {
        endless: {
          [ENDLESS_PATH]: { prefixBase64: ENDLESS_PREFIX, bytesPerSecond: 2, framing: "chunked" },
        },
      },
    },
    expect: failing(
      "unpack",
      String.raw`download of http:\/\/\S+ did not finish within 20 s \(rd\.tmpfs\.timeout=20\)`,
    ),
    // 20 s, or 4 x 20 s should the deadline be per try, plus the boot.
    timeoutSec: 240,
  }),
  // 5. https redirected to http (which serves the good archive): refused, and
  //    the plain server sees no request at all.
  ...both({
    name: "https-redirect-to-http",
    cmdline:
      `root=tmpfs:${HTTPS}${MOVED_PATH} rd.tmpfs.cafile=${CAFILE_IN_INITRD} rd.tmpfs.size=256M ${NET_ARGS}`,
    net: {
      https: true,
      httpsFaults: { redirects: { [MOVED_PATH]: { location: `${HTTP}${ARCHIVE_PATH}` } } },
      expectRequestCount: { http: 0 },
    },
    initramfs: { extraArgs: ["--include", tls.caInitrd, CAFILE_IN_INITRD] },
    expect: failing("unpack", String.raw`https:\/\/\S+ redirects to a protocol it may not use`),
  }),
  // The control: http redirected to http boots.
  ...both({
    name: "http-redirect-to-http",
    cmdline: `root=tmpfs:${HTTP}${MOVED_PATH} rd.tmpfs.size=256M ${NET_ARGS}`,
    net: {
      httpFaults: { redirects: { [MOVED_PATH]: { location: `${HTTP}${ARCHIVE_PATH}` } } },
      expectRequests: { path: ARCHIVE_PATH, outcomes: ["ok"] },
    },
    expect: { kind: "pass", tmpfsSize: "256M" },
  }),
  // 6. Glob characters curl would expand into 2000 requests: refused before any.
  ...both({
    name: "http-imgfile-glob",
    cmdline: `root=tmpfs:${HTTP}/ rd.tmpfs.imgfile=x[1-2000].tar.gz ${NET_ARGS}`,
    net: { expectRequestCount: { http: 0 } },
    expect: failing("cmdline", String.raw`invalid rd\.tmpfs\.imgfile "x\[1-2000\]\.tar\.gz"`),
  }),
  // 7. A capability the kernel refuses (EINVAL): GNU tar warns and exits 0.
  ...both({
    name: "badcap",
    cmdline: "root=tmpfs:/dev/vda1 rd.tmpfs.size=256M rd.tmpfs.imgfile=rootfs.tar.gz ro",
    disk: badcapDisk,
    expect: failing(
      "unpack",
      String.raw`tar could not set a security attribute: .*security\.capability.*Invalid argument`,
    ),
  }),
  // 8. Members named ../escape and a/../../escape2: tar's first line is the
  //    "Removing leading" warning; the console must quote its error.
  ...both({
    name: "dotdot",
    cmdline: "root=tmpfs:/dev/vda1 rd.tmpfs.size=256M rd.tmpfs.imgfile=rootfs.tar.gz ro",
    disk: dotdotDisk,
    expect: failing(
      "unpack",
      String
        .raw`tar could not unpack rootfs\.tar\.gz: tar: \.\.\/escape: Member name contains '\.\.'`,
    ),
  }),
];
