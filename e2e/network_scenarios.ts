/**
 * Real boots from network sources, in both dracut flavours: NFS v3 (with
 * options, and with a static `ip=`) and v4 from nfs-ganesha,
 * HTTP (archive URL, base URL + `rd.tmpfs.imgfile`, a transfer dropped once, a slow server
 * and the progress lines it brings)
 * and HTTPS with `rd.tmpfs.cafile`, and the failures: NFS server down, export
 * missing, HTTP 404, a web page where the archive should be, a transfer
 * dropped on every try.
 *
 * Each boot gets its own network namespace with its own servers (see
 * `lib/network_env.ts`); QEMU runs inside it on user networking and reaches
 * them at 10.0.2.2. Passing guests also check, after switch-root, that an
 * interface still holds an address and the host's web server answers, and
 * that no NFS export is still mounted.
 *
 * @module
 */
import type { Flavour } from "./lib/dracut.ts";
import {
  CAFILE_IN_INITRD,
  ensureTestCa,
  HTML_PAGE,
  HTTP_PORT,
  HTTPS_PORT,
  IMGFILE,
  netContext,
  type NetSetup,
  NFS_EXPORT,
} from "./lib/network_env.ts";
import { ANY_PROGRESS, progressLine, type Scenario } from "./lib/scenario.ts";

/**
 * The guest's NIC as each flavour names it: the classic initramfs keeps the
 * kernel's name; systemd's udev renames it by its PCI slot
 * (`virtio_net virtio0 ens2: renamed from eth0`).
 */
export const GUEST_IFACE: Readonly<Record<Flavour, string>> = { classic: "eth0", systemd: "ens2" };

const ARCHIVE_PATH = `/${IMGFILE}`;
const HTTP = `http://10.0.2.2:${HTTP_PORT}`;
const HTTPS = `https://10.0.2.2:${HTTPS_PORT}`;
/** A web server that is down: nothing listens on port 1 of the host. */
const DOWN = "http://10.0.2.2:1";
const NFS_SRC = `10.0.2.2:${NFS_EXPORT}`;
/** Bytes after which the faulty server drops a transfer (the archive is about 2 MB). */
const DROP_AFTER = 300_000;

/** The CA the HTTPS scenarios bake into their initramfs (made once, cached). */
const tls = await ensureTestCa();

/** Nothing in these tests may reboot: success powers off, failure panics or powers off. */
const NO_REBOOT = /reboot: Restarting system/;

type Base =
  & Omit<Scenario, "flavour" | "name" | "topic" | "context" | "cmdline">
  & {
    readonly name: string;
    readonly net: NetSetup;
    /** The command line, or a function of the flavour. */
    readonly cmdline: string | ((flavour: Flavour) => string);
  };

/** A scenario for both flavours, named `<flavour>/net-<name>`, each in its own namespace. */
function both(base: Base): Scenario[] {
  return (["classic", "systemd"] as Flavour[]).map((flavour) => {
    const { net, cmdline, ...rest } = base;
    const name = `${flavour}/net-${base.name}`;
    return {
      timeoutSec: 180,
      ...rest,
      cmdline: typeof cmdline === "string" ? cmdline : cmdline(flavour),
      name,
      topic: "network",
      flavour,
      context: netContext(name, net),
      forbid: [NO_REBOOT, ...(base.forbid ?? [])],
    };
  });
}

/** Regex-escapes a literal. */
function lit(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

/** The network scenarios (28 boots). */
export const NETWORK_SCENARIOS: readonly Scenario[] = [
  // NFS v3 with mount options (tcp,hard,vers=3), DHCP.
  ...both({
    name: "nfs3-opts-dhcp",
    cmdline:
      `root=tmpfs:NFS=nfs:${NFS_SRC},tcp,hard,vers=3 rd.tmpfs.size=256M rd.tmpfs.imgfile=${IMGFILE} ip=dhcp rd.neednet=1 ro`,
    net: { nfs: "up" },
    expect: { kind: "pass", tmpfsSize: "256M" },
  }),
  // NFS v4, DHCP.
  ...both({
    name: "nfs4-dhcp",
    cmdline:
      `root=tmpfs:NFS=nfs4:${NFS_SRC} rd.tmpfs.size=256M rd.tmpfs.imgfile=${IMGFILE} ip=dhcp rd.neednet=1 ro`,
    net: { nfs: "up" },
    expect: { kind: "pass", tmpfsSize: "256M" },
    report: {
      result: "ok",
      sourceKind: "nfs",
      layers: [{ name: IMGFILE, format: "gzip", checked: false, tries: 1 }],
      tmpfs: true,
    },
  }),
  // NFS with a static `ip=` (address, netmask, host name and the guest NIC's name), a 5G tmpfs.
  ...both({
    name: "nfs-seed-static-ip",
    cmdline: (flavour) =>
      `root=tmpfs:NFS=nfs:${NFS_SRC},tcp rd.tmpfs.size=5G rd.tmpfs.imgfile=${IMGFILE} ip=10.0.2.15:::24:compute1:${
        GUEST_IFACE[flavour]
      }:none rd.neednet=1 ro`,
    net: { nfs: "up" },
    expect: { kind: "pass", tmpfsSize: "5G" },
  }),
  // The archive URL; no ip= and no rd.neednet: the module asks dracut for the network.
  ...both({
    name: "http-url",
    cmdline: `root=tmpfs:${HTTP}${ARCHIVE_PATH} rd.tmpfs.size=256M ro`,
    net: { expectRequests: { path: ARCHIVE_PATH, outcomes: ["ok"] } },
    expect: { kind: "pass", tmpfsSize: "256M" },
    // A fast unpack: no progress line.
    forbid: [ANY_PROGRESS],
  }),
  // A server that sends about 150 KB/s: the 2 MB archive takes over 10 s, and the console shows
  // progress every 5 s, with the percent of the answer's Content-Length.
  ...both({
    name: "http-slow-progress",
    cmdline: `root=tmpfs:${HTTP}${ARCHIVE_PATH} rd.tmpfs.size=256M ip=dhcp rd.neednet=1 ro`,
    net: {
      httpFaults: { bytesPerSecond: 150_000 },
      expectRequests: { path: ARCHIVE_PATH, outcomes: ["ok"] },
    },
    require: [progressLine(`${HTTP}${ARCHIVE_PATH}`, true)],
    expect: { kind: "pass", tmpfsSize: "256M" },
    // The transfer alone takes 13 s; a loaded machine takes minutes to bring up the network.
    timeoutSec: 360,
  }),
  // A base URL joined with rd.tmpfs.imgfile; the server drops the first transfer
  // mid-stream, the module clears the tmpfs and tries again.
  ...both({
    name: "http-base-imgfile-drop-once",
    cmdline:
      `root=tmpfs:${HTTP}/images/ rd.tmpfs.imgfile=rootfs.tar.gz rd.tmpfs.size=256M ip=dhcp rd.neednet=1 ro`,
    net: {
      httpFaults: { dropAfterBytes: { bytes: DROP_AFTER, path: ARCHIVE_PATH, times: 1 } },
      expectRequests: { path: ARCHIVE_PATH, outcomes: ["dropped", "ok"] },
    },
    expect: { kind: "pass", tmpfsSize: "256M" },
    // The report counts both tries, and names the URL that served the archive.
    report: {
      result: "ok",
      sourceKind: "http",
      layers: [{
        name: "rootfs.tar.gz",
        format: "gzip",
        from: new RegExp(`^${lit(HTTP + ARCHIVE_PATH)}$`),
        checked: false,
        tries: 2,
      }],
      tmpfs: true,
    },
  }),
  // A server that answers 503 with Retry-After: 4 once: the module says so, waits at least that
  // long (the server sees the two requests 4 s apart or more), then boots.
  ...both({
    name: "http-503-retry-after",
    cmdline: `root=tmpfs:${HTTP}${ARCHIVE_PATH} rd.tmpfs.size=256M ip=dhcp rd.neednet=1 ro`,
    net: {
      httpFaults: { failFirst: { count: 1, mode: "503", path: ARCHIVE_PATH, retryAfter: 4 } },
      expectRequests: { path: ARCHIVE_PATH, outcomes: ["503", "ok"], minGapMs: 4000 },
    },
    require: [
      new RegExp(`tmpfs-root: try 1 of 4 from ${lit(HTTP)}\\S+ failed: HTTP 503, next in [4-6] s`),
    ],
    expect: { kind: "pass", tmpfsSize: "256M" },
  }),
  // Mirrors: the source's server is down (nothing listens on port 1), the mirror serves; the
  // module says so and goes on to the mirror at once, without a pause.
  ...both({
    name: "http-mirror-first-down",
    cmdline:
      `root=tmpfs:${DOWN}/ rd.tmpfs.mirror=${HTTP}/ rd.tmpfs.imgfile=${IMGFILE} rd.tmpfs.size=256M ip=dhcp rd.neednet=1 ro`,
    net: { expectRequests: { path: ARCHIVE_PATH, outcomes: ["ok"] } },
    require: [
      new RegExp(
        `tmpfs-root: try 1 of 8 from ${
          lit(`${DOWN}${ARCHIVE_PATH}`)
        } failed: curl: \\(7\\) .*, next from ${lit(`${HTTP}${ARCHIVE_PATH}`)}`,
      ),
    ],
    forbid: [/next in \d+ s/],
    expect: { kind: "pass", tmpfsSize: "256M" },
  }),
  // HTTPS, verified with a CA file baked into the initramfs.
  ...both({
    name: "https-cafile",
    cmdline:
      `root=tmpfs:${HTTPS}${ARCHIVE_PATH} rd.tmpfs.cafile=${CAFILE_IN_INITRD} rd.tmpfs.size=256M ip=dhcp rd.neednet=1 ro`,
    net: { https: true, expectRequests: { path: ARCHIVE_PATH, outcomes: ["ok"] } },
    initramfs: { extraArgs: ["--include", tls.caInitrd, CAFILE_IN_INITRD] },
    expect: { kind: "pass", tmpfsSize: "256M" },
  }),
  // Failures: each stops with one line naming the source and the cause.
  ...both({
    name: "fail-nfs-server-down",
    cmdline:
      `root=tmpfs:NFS=nfs:${NFS_SRC},tcp,vers=3 rd.tmpfs.imgfile=${IMGFILE} ip=dhcp rd.neednet=1 ro`,
    net: { nfs: "down" },
    expect: {
      kind: "fail",
      step: "source",
      line: /tmpfs-root: source failed: NFS server 10\.0\.2\.2 did not answer/,
    },
    // mount.nfs keeps trying a refused server for 2 minutes (its default retry=2).
    timeoutSec: 360,
  }),
  ...both({
    name: "fail-nfs-export-missing",
    cmdline: `root=tmpfs:NFS=nfs4:${NFS_SRC} rd.tmpfs.imgfile=${IMGFILE} ip=dhcp rd.neednet=1 ro`,
    net: { nfs: "export-missing" },
    expect: {
      kind: "fail",
      step: "source",
      line: new RegExp(`tmpfs-root: source failed: ${lit(NFS_SRC)} is not exported`),
    },
    timeoutSec: 360,
  }),
  ...both({
    name: "fail-http-404",
    cmdline: `root=tmpfs:${HTTP}/images/missing.tar.gz ip=dhcp rd.neednet=1 ro`,
    net: { expectRequests: { path: "/images/missing.tar.gz", outcomes: ["not-found"] } },
    expect: {
      kind: "fail",
      step: "unpack",
      line: new RegExp(
        `tmpfs-root: unpack failed: ${lit(`${HTTP}/images/missing.tar.gz`)} answered 404`,
      ),
    },
  }),
  // A 2 MiB web page where the archive should be: the module stops reading
  // after the first bytes and curl fails to write the rest (its exit 23);
  // the verdict is the content's, at the first try, not a failed transfer.
  ...both({
    name: "fail-http-html-page",
    cmdline: `root=tmpfs:${HTTP}/${HTML_PAGE} ip=dhcp rd.neednet=1 ro`,
    net: { expectRequests: { path: `/${HTML_PAGE}`, outcomes: ["ok|error"] } },
    expect: {
      kind: "fail",
      step: "unpack",
      line: new RegExp(
        `tmpfs-root: unpack failed: ${lit(`${HTTP}/${HTML_PAGE}`)} is not a tar archive \\(`,
      ),
    },
  }),
  // The server drops every transfer mid-stream: three tries (rd.tmpfs.retries=2), then stop.
  ...both({
    name: "fail-http-drop-every-try",
    cmdline: `root=tmpfs:${HTTP}${ARCHIVE_PATH} rd.tmpfs.retries=2 ip=dhcp rd.neednet=1 ro`,
    net: {
      httpFaults: { dropAfterBytes: { bytes: DROP_AFTER, path: ARCHIVE_PATH } },
      expectRequests: { path: ARCHIVE_PATH, outcomes: ["dropped", "dropped", "dropped"] },
    },
    expect: {
      kind: "fail",
      step: "unpack",
      line: new RegExp(
        `tmpfs-root: unpack failed: download of ${
          lit(`${HTTP}${ARCHIVE_PATH}`)
        } failed after 3 tries: `,
      ),
    },
  }),
];
