/**
 * Generated scenarios: command lines (valid ones for every source kind,
 * invalid ones, and hostile ones) x disk layouts (devices that appear late
 * or never, a disk without a file system, LVM, NFS exports, web servers
 * that refuse, fail or drop) x archives (every format, truncated, corrupt,
 * not an archive, empty, too big for the tmpfs, SELinux roots) x digests
 * (`rd.tmpfs.sha256` matching, in upper case, of another archive, invalid,
 * or the whole archive's while a truncated one is served) x sidecars and
 * signatures (`rd.tmpfs.verify`, keys in the initramfs or none, sidecars
 * right, wrong, missing, malformed or too large, signatures good, by a
 * stranger, missing or damaged, web servers that fail on them) x injected
 * faults x flavour. The same seed gives the same scenarios.
 *
 * @module
 */
import {
  type ArchiveFormat,
  type FileTree,
  makeArchive,
  sha256Hex,
  type SigningKey,
  signingKey,
  tarHeaderClaiming,
  type Vm,
  type WebResource,
  withBeside,
  withSidecars,
} from "@tmpfs-root/simulator";
import {
  type Attribute,
  formatManifest,
  hostileCmdlines,
  Lcg,
  MANIFEST_SUFFIX,
} from "@tmpfs-root/model";
import type { EntrySpec } from "@tmpfs-root/simulator";
import type { Fault, Scenario } from "./scenario.ts";

const ROOT = {
  "etc/os-release": "ID=demo\n",
  "bin/busybox": { data: "\x7fELF", mode: 0o755 },
  "bin/sh": { type: "symlink", target: "busybox" },
  "sbin/init": { type: "symlink", target: "../bin/busybox" },
} as const;

/**
 * Layers over ROOT (rd.tmpfs.imgfile with commas): a site layer that
 * replaces a file, removes one with a whiteout, makes a directory opaque
 * and turns a symbolic link into a directory; a node layer with its own
 * whiteouts (one with nothing below it) and a file over a directory.
 */
const LAYERS: Readonly<Record<string, Readonly<Record<string, EntrySpec>>>> = {
  "base.tar.gz": {
    ...ROOT,
    "etc/motd": "base\n",
    "etc/issue": "base\n",
    "var/cache/app/a": "a",
    "var/cache/app/b": "b",
    "lib": { type: "symlink", target: "usr/lib" },
    "usr/lib/libc.so": "libc",
    "opt/tool/bin/x": "x",
  },
  "site.tar.zst": {
    "etc/os-release": "ID=site\n",
    "etc/.wh.motd": "",
    "var/cache/app/.wh..wh..opq": "",
    "var/cache/app/c": "c",
    "lib/modules/m.ko": "m",
    "srv/.wh.nothing": "",
  },
  "node.tar": {
    "etc/hostname": "node-17\n",
    "etc/.wh.issue": "",
    "etc/.wh..wh.plnk": "",
    "opt/tool": "now a file",
    ".wh.srv": "",
  },
};

/** The archives scenarios put on their sources. */
interface Archives {
  readonly good: readonly Uint8Array[];
  /** Damaged: truncated, corrupt, not an archive, empty, cut at a member boundary. */
  readonly bad: readonly Uint8Array[];
  /** Each good archive cut in half (in `bad` too), by the good one's index. */
  readonly truncated: readonly Uint8Array[];
  /** The SHA-256 of each good archive, by index. */
  readonly digests: readonly string[];
  /** Whole, but tar refuses a member or an xattr, or warns about one. */
  readonly refused: readonly Uint8Array[];
  /** A tar header that claims a 1 TiB member, for a server that then sends zeros for ever. */
  readonly endless: Uint8Array;
  readonly big: Uint8Array;
  readonly selinux: readonly Uint8Array[];
  /** The key pair the initramfs trusts, and one it does not. */
  readonly site: SigningKey;
  /** The layers by name (LAYERS), packed in the format their name says. */
  readonly layers: Readonly<Record<string, Uint8Array>>;
  readonly stranger: SigningKey;
}

let archives: Promise<Archives> | null = null;

function damaged(bytes: Uint8Array, how: "truncate" | "corrupt"): Uint8Array {
  if (how === "truncate") return bytes.slice(0, Math.floor(bytes.length / 2));
  const out = bytes.slice();
  for (let i = Math.floor(out.length / 3); i < Math.floor((out.length * 2) / 3); i++) {
    out[i] = out[i]! ^ 0x5a;
  }
  return out;
}

async function makeArchives(): Promise<Archives> {
  const formats: ArchiveFormat[] = ["gzip", "xz", "zstd", "bzip2", "lz4", "plain"];
  const good = await Promise.all(formats.map((f) => makeArchive(ROOT, f)));
  const truncated = good.map((b) => damaged(b, "truncate"));
  const bad = [
    ...truncated,
    ...good.map((b) => damaged(b, "corrupt")),
    new TextEncoder().encode("hello, not an archive\n"),
    new Uint8Array(0),
    // Cut at a member boundary (GNU tar exits 0), in every format, and a gzip whose first
    // member is such a cut tar followed by garbage (gzip exits 2, a warning).
    ...await Promise.all(formats.map((f) => makeArchive(ROOT, f, { ending: "cut" }))),
    await makeArchive(ROOT, "gzip", {
      ending: "cut",
      trailing: new TextEncoder().encode("trailing garbage"),
    }),
  ];
  const refused = await Promise.all([
    makeArchive({ ...ROOT, "../escape": "x", "a/../../escape2": "y" }, "gzip", { parents: false }),
    makeArchive({ ...ROOT, "bin/ping": { data: "x", xattrs: { "security.capability": "bad" } } }),
    makeArchive({ ...ROOT, "etc/odd": { data: "x", xattrs: { "odd.name": "1" } } }, "zstd"),
  ]);
  const big = await makeArchive({ ...ROOT, "big": new Uint8Array(1 << 20) }, "gzip");
  const selinux = await Promise.all(
    [
      "SELINUX=enforcing\nSELINUXTYPE=mls\n",
      "# c\nSELINUX=permissive\n",
      "SELINUX=disabled\nSELINUXTYPE=targeted\n",
      "SELINUX=enforcing\nSELINUXTYPE=bad type\n",
      "SELINUXTYPE=x\nSELINUX=enforcing",
    ].map((c) => makeArchive({ ...ROOT, "etc/selinux/config": c }, "gzip")),
  );
  return {
    good,
    bad,
    truncated,
    digests: await Promise.all(good.map(sha256Hex)),
    refused,
    endless: await tarHeaderClaiming("huge.bin", 2 ** 40),
    big,
    selinux,
    site: await signingKey(1),
    stranger: await signingKey(2),
    layers: Object.fromEntries(
      await Promise.all(
        Object.entries(LAYERS).map(async ([name, tree]) =>
          [name, await makeArchive(tree, layerFormat(name))] as const
        ),
      ),
    ),
  };
}

/** A layer's format, by its name's ending. */
function layerFormat(name: string): ArchiveFormat {
  return name.endsWith(".zst") ? "zstd" : name.endsWith(".gz") ? "gzip" : "plain";
}

const WEB = "http://10.0.2.2:8080";
const WEBS = "https://10.0.2.2:8443";
const IMG = "rootfs.tar.gz";
const MIRROR = "http://10.0.2.5:8080";
const MIRROR_DOWN = "http://10.0.2.6";

/**
 * `count` scenarios, the same for the same `seed`. About one in eight has
 * a hostile command line.
 *
 * @example
 * ```ts
 * import { generateScenarios } from "./generate.ts";
 * const s = await generateScenarios(3);
 * s.length; // 3
 * ```
 */
export async function generateScenarios(count: number, seed = 1): Promise<Scenario[]> {
  archives ??= makeArchives();
  const a = await archives;
  const r = new Lcg(seed);
  // What the initramfs lacks is drawn from a stream of its own, so that every other draw (and
  // so the scenarios of a seed) stays as it was before images could lack anything.
  const image = new Lcg(seed ^ 0x5eed);
  // The kinds of attribute a manifest names: a stream of its own too.
  const kinds = new Lcg(seed ^ 0xa77);
  const hostile = hostileCmdlines(Math.ceil(count / 8) + 1, seed);
  const trees = new Map<Uint8Array, FileTree>();
  const tree = (bytes: Uint8Array, name = IMG): FileTree => {
    if (name !== IMG) return { [name]: bytes };
    let t = trees.get(bytes);
    if (t === undefined) {
      // The layers beside the archive, one of them damaged at times (by the archive's index).
      t = { [IMG]: bytes, "images/rootfs.tar.gz": bytes, ...a.layers };
      trees.set(bytes, t);
    }
    return t;
  };
  const anyArchive = (): Uint8Array => {
    const k = r.int(22);
    if (k < 9) return r.pick(a.good);
    if (k < 14) return r.pick(a.bad);
    if (k < 16) return a.big;
    if (k < 18) return r.pick(a.refused);
    return r.pick(a.selinux);
  };
  const scenarios: Scenario[] = [];
  for (let i = 0; i < count; i++) {
    // About one valid-ish command line in four asks for a digest: then every source serves
    // the same archive, so that the digest is about whichever source the line names.
    const digest = i % 8 !== 7 && r.int(4) === 0 ? await digestCase(r, a, anyArchive) : null;
    // About one in four of the others reads a sidecar, or has keys, or both.
    const sidecar = i % 8 !== 7 && digest === null && r.int(4) === 0
      ? await sidecarCase(r, a, anyArchive)
      : null;
    const served = digest?.served ?? sidecar?.served ?? null;
    const archive = served === null ? anyArchive : () => served;
    const cmdline = i % 8 === 7
      ? hostile[Math.floor(i / 8)]!
      : validish(r, digest === null ? null : digest.sha256) + (sidecar?.args ?? "");
    const flavour = r.int(2) === 0 ? "classic" : "systemd";
    const appears = () => r.pick([0, 0, 0, 1, 2, 3, null]);
    const web: WebResource[] = [
      {
        url: `${WEB}/${IMG}`,
        body: archive(),
        ...(r.int(3) === 0
          ? {
            failFirst: r.int(4),
            failWith: r.pick(["refused", "drop", 500, 503, 404, 429, 408] as const),
            // Retry-After in seconds, too long (clamped to 120 s), or as a date (ignored).
            ...(r.int(2) === 0
              ? { retryAfter: r.pick(["0", "3", "7", "300", "999999", "x"]) }
              : {}),
          }
          : {}),
        ...(r.int(6) === 0 ? { status: r.pick([404, 500, 403, 503]) } : {}),
        ...(r.int(8) === 0 ? { dropAfter: r.pick([0, 10, 300]) } : {}),
        ...(r.int(10) === 0 ? { stallAfter: r.pick([0, 100, 700]) } : {}),
      },
      ...Object.entries(a.layers).map(([name, body]): WebResource => ({
        url: `${WEB}/${name}`,
        body: name === "site.tar.zst" && r.int(8) === 0 ? r.pick(a.bad) : body,
        ...(r.int(6) === 0 ? { failFirst: 1, failWith: r.pick(["drop", 503] as const) } : {}),
      })),
      {
        url: `${WEB}/endless.tar`,
        body: a.endless,
        endless: true,
      },
      {
        url: `${WEB}/moved.tar.gz`,
        body: new Uint8Array(0),
        redirect: `${WEB}/${IMG}`,
      },
      {
        url: `${WEBS}/${IMG}`,
        body: new Uint8Array(0),
        redirect: r.pick([`${WEB}/${IMG}`, `${WEBS}/${IMG}.real`]),
      },
      {
        url: `${WEBS}/${IMG}.real`,
        body: a.good[0]!,
      },
      {
        // A mirror (rd.tmpfs.mirror) with faults of its own; MIRROR_DOWN has no server at all.
        url: `${MIRROR}/${IMG}`,
        body: archive(),
        ...(r.int(2) === 0
          ? {
            failFirst: r.int(3),
            failWith: r.pick(["refused", "drop", 503, 404, 429] as const),
            ...(r.int(2) === 0 ? { retryAfter: r.pick(["0", "5", "x"]) } : {}),
          }
          : {}),
        ...(r.int(6) === 0 ? { status: r.pick([404, 500]) } : {}),
      },
    ];
    const plain: Vm = {
      flavour,
      ...(r.int(4) === 0 ? { numaNodes: 2 } : {}),
      // The endless server sends zeros until more bytes came than the tmpfs holds: keep it small.
      ram: cmdline.includes("endless") ? 1 << 20 : r.pick([1 << 20, 64 << 20]),
      disks: [
        {
          path: "/dev/vda1",
          label: r.pick(["images", "my disk", "é€日本"]),
          uuid: "0A1B2C3D-4E5F-6071-8293-A4B5C6D7E8F9",
          partlabel: "root fs",
          partuuid: "AAAABBBB-01",
          appearsAt: appears(),
          files: tree(archive()),
        },
        { path: "/dev/vdb", fs: r.int(2) === 0 ? null : "ext4", files: tree(archive()) },
        { path: "/dev/vdc", appearsAt: appears(), label: "images", files: tree(archive()) },
      ],
      lvm: [{ vg: "centos", lv: "root", appearsAt: appears(), files: tree(archive()) }],
      nfs: [
        { server: "10.0.2.2", export: "/nfsexport", files: tree(archive()) },
        { server: "10.0.2.3", export: "/v4only", versions: [4], files: tree(archive()) },
        { server: "10.0.2.4", export: "/down", up: false },
      ],
      web,
    };
    const signed = sidecar === null ? plain : sidecar.machine(plain);
    // About one machine in two has a manifest beside every archive, most of them with the RAM
    // to boot it; a web server may fail to serve it.
    const vm = r.int(2) === 0 && !cmdline.includes("endless")
      ? withManifests(
        { ...signed, ram: r.pick([1 << 30, 1 << 30, signed.ram]) },
        manifestCase(r, kinds.pick(KINDS)),
        {
          ...(r.int(5) === 0 ? { status: r.pick([404, 500]) } : {}),
        },
      )
      : signed;
    scenarios.push({ cmdline, vm: { ...vm, ...imageCase(image) }, fault: fault(r) });
  }
  return scenarios;
}

/**
 * What a machine's initramfs lacks, about one time in twelve: a kind's
 * dracut modules (network left out: block alone; or one of NFS and HTTP),
 * or decompressors (`tmpfs_root_decompressors` naming only some formats).
 */
function imageCase(r: Lcg): Pick<Vm, "sources" | "decompressors"> {
  switch (r.int(24)) {
    case 0:
      return { sources: ["block"] };
    case 1:
      return { sources: r.pick([["block", "nfs"], ["block", "http"]]) };
    case 2:
      return { decompressors: r.pick([["zstd"], ["gzip", "zstd"], ["xz", "bzip2", "lz4"], []]) };
    default:
      return {};
  }
}

/** A manifest's text for an archive of a given file name. */
type ManifestCase = (archive: string) => Uint8Array;

/** The `attributes=` a manifest names (`undefined`: no line, every kind). */
const KINDS: readonly (readonly Attribute[] | undefined)[] = [
  undefined,
  [],
  ["xattrs"],
  ["acls", "selinux"],
  ["xattrs", "acls", "selinux"],
];

/**
 * A manifest case: counts that fit or not (in a tmpfs given or sized from
 * it, on 1 GiB of RAM or less), or a manifest that is not valid; its
 * `attributes=` names `attributes`.
 */
function manifestCase(r: Lcg, attributes: readonly Attribute[] | undefined): ManifestCase {
  const unpacked = r.pick([0, 4096, 100 * 1024, 60 * 1024 ** 2, 900 * 1024 ** 2, 3 * 1024 ** 3]);
  const inodes = r.pick([1, 12, 100000]);
  const good = (archive: string) =>
    formatManifest({
      archive,
      format: "gzip",
      compressedBytes: 236,
      unpackedBytes: unpacked,
      inodes,
      sha256: "0".repeat(64),
      ...(attributes === undefined ? {} : { attributes }),
    });
  const text = r.pick<(archive: string) => string>([
    good,
    good,
    good,
    good,
    (a) => good(a).replace(`archive=${a}`, "archive=other.tar.gz"),
    (a) => good(a).replace("version=1", "version=2"),
    (a) => good(a).replace("inodes=", "inodes=x"),
    (a) => `${good(a)}not a line\n`,
    (a) => `${good(a)}inodes=5\n`,
    (a) => good(a).replace("\n", "\r\n"),
  ]);
  return (archive) => new TextEncoder().encode(text(archive));
}

/**
 * `vm` with a manifest beside every archive (its text for the archive's
 * file name), on every volume and web server; `web` changes how the web
 * servers answer for it.
 */
function withManifests(vm: Vm, manifest: ManifestCase, web: Partial<WebResource>): Vm {
  const archive = (name: string) => !/\.(sha256|sig)$/.test(name);
  const base = (name: string) => name.slice(name.lastIndexOf("/") + 1);
  return withBeside(
    vm,
    (name) => archive(name) ? { [`${name}${MANIFEST_SUFFIX}`]: manifest(base(name)) } : {},
    (w) =>
      archive(w.url)
        ? [{ url: `${w.url}${MANIFEST_SUFFIX}`, body: manifest(base(w.url)), ...web }]
        : [],
  );
}

/** A digest for `rd.tmpfs.sha256`, and the archive every source serves. */
interface DigestCase {
  readonly sha256: string;
  readonly served: Uint8Array;
}

/** Values of `rd.tmpfs.sha256` that are no digest (and the empty one, which checks nothing). */
const NOT_DIGESTS = [
  "abc",
  "0".repeat(63),
  "0".repeat(65),
  `g${"0".repeat(63)}`,
  `${"a".repeat(32)} ${"b".repeat(31)}`,
  "",
];

/**
 * A digest case: the served archive's own digest (in lower or upper case),
 * another good archive's, a value that is no digest, or a good archive's
 * digest while its truncated copy is served (the boot must say truncated).
 */
async function digestCase(
  r: Lcg,
  a: Archives,
  archive: () => Uint8Array,
): Promise<DigestCase> {
  const k = r.int(a.good.length);
  switch (r.pick(["match", "upper", "other", "invalid", "truncated"] as const)) {
    case "match": {
      const served = archive();
      return { sha256: await sha256Hex(served), served };
    }
    case "upper": {
      const served = archive();
      return { sha256: (await sha256Hex(served)).toUpperCase(), served };
    }
    case "other":
      return { sha256: a.digests[k]!, served: archive() };
    case "invalid":
      return { sha256: r.pick(NOT_DIGESTS), served: archive() };
    case "truncated":
      return { sha256: a.digests[k]!, served: a.truncated[k]! };
  }
}

/** A sidecar case: what every source serves, the machine's sidecars and keys, and more arguments. */
interface SidecarCase {
  readonly served: Uint8Array;
  readonly machine: (vm: Vm) => Vm;
  /** Arguments for the end of the command line (with a leading space). */
  readonly args: string;
}

/**
 * A sidecar case: `rd.tmpfs.verify` (or not), keys in the initramfs (the
 * site's, a stranger's, both, or none), a sidecar beside every archive
 * (right, for another archive, without the archive's line, malformed, with
 * two digests, too large, or none), its signature (by the site, by a
 * stranger, damaged, or none), how web servers answer for it, and at times
 * an `rd.tmpfs.sha256` that agrees or not.
 */
async function sidecarCase(r: Lcg, a: Archives, archive: () => Uint8Array): Promise<SidecarCase> {
  const served = archive();
  const sum = await sha256Hex(served);
  const other = r.pick(a.digests);
  const text = (s: string) => new TextEncoder().encode(s);
  const sidecar = r.pick([
    text(`${sum}  ${IMG}\n`),
    text(`${sum}  ${IMG}\n`),
    text(`${sum}  ${IMG}\n`),
    text(`${sum.toUpperCase()} */srv/${IMG}`),
    text(`${other}  ${IMG}\n`),
    text(`${sum}  other.tar.gz\n`),
    text(`<html>${IMG}</html>\n`),
    text(`${sum}  ${IMG}\n${other}  a/${IMG}\n`),
    new Uint8Array(70_000).fill(0x61),
    null,
  ]);
  const signed = sidecar ?? text("");
  const sig = r.pick([
    await a.site.sign(signed),
    await a.site.sign(signed),
    await a.stranger.sign(signed),
    (await a.site.sign(signed)).map((b, i) => i === 0 ? b ^ 1 : b),
    null,
  ]);
  const keys = r.pick<FileTree | null>([
    null,
    null,
    { "site.pub": a.site.publicKey },
    { "a-stranger.pub": a.stranger.publicKey, "site.pub": a.site.publicKey },
    { "site.pub": a.stranger.publicKey },
  ]);
  const web: Partial<WebResource> = r.pick([
    {},
    {},
    {},
    { status: r.pick([404, 500]) },
    { endless: true },
    { stallAfter: 5 },
    { dropAfter: 5 },
  ]);
  // Mostly a value the image accepts (with keys: signature, or none given), at times one it refuses.
  const verify = r.int(6) === 0
    ? r.pick(["none", "sidecar", "signature", "x"])
    : keys === null
    ? "sidecar"
    : r.pick([null, "signature"]);
  const args = [
    ...(verify === null ? [] : [`rd.tmpfs.verify=${verify}`]),
    ...(r.int(5) === 0 ? [`rd.tmpfs.sha256=${r.pick([sum, other])}`] : []),
  ];
  return {
    served,
    machine: (vm) => ({
      ...withSidecars(vm, { sidecar, sig, web }),
      ...(keys === null ? {} : { keys }),
    }),
    args: args.map((x) => ` ${x}`).join(""),
  };
}

function validish(r: Lcg, sha256: string | null): string {
  const args: string[] = [];
  const root = r.pick([
    "tmpfs:/dev/vda1",
    "tmpfs:/dev/vdb",
    "tmpfs:/dev/vdc",
    "tmpfs:/dev/vdz",
    "tmpfs:LABEL=images",
    '"tmpfs:LABEL=my disk"',
    "tmpfs:LABEL=é€日本",
    "tmpfs:UUID=0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9",
    "tmpfs:UUID=0A1B2C3D-4E5F-6071-8293-A4B5C6D7E8F9",
    '"tmpfs:PARTLABEL=root fs"',
    "tmpfs:PARTUUID=aaaabbbb-01",
    "tmpfs:/dev/mapper/centos-root",
    "tmpfs:/dev/centos/root",
    "tmpfs:NFS=nfs:10.0.2.2:/nfsexport",
    "tmpfs:NFS=nfs4:10.0.2.2:/nfsexport",
    "tmpfs:NFS=nfs:10.0.2.2:/nfsexport,vers=3,lock",
    "tmpfs:NFS=nfs:10.0.2.3:/v4only",
    "tmpfs:NFS=nfs:10.0.2.3:/v4only,vers=4.2",
    "tmpfs:NFS=nfs:10.0.2.4:/down",
    "tmpfs:NFS=nfs:10.0.2.2:/missing",
    "tmpfs:NFS=nfs:10.0.2.9:/nfsexport",
    `tmpfs:${WEB}/${IMG}`,
    `tmpfs:${WEB}/${IMG}`,
    `tmpfs:${WEB}/endless.tar`,
    `tmpfs:${WEB}/moved.tar.gz`,
    `tmpfs:${WEBS}/${IMG}`,
    `tmpfs:${WEB}/`,
    `tmpfs:${WEB}/images/`,
    "tmpfs:http://10.0.2.7/rootfs.tar.gz",
    `tmpfs:${MIRROR_DOWN}/`,
    `tmpfs:${MIRROR_DOWN}/${IMG}`,
    "tmpfs:/dev/vda1",
    "/dev/sda1",
  ]);
  args.push(`root=${root}`);
  if (r.int(4) === 0) args.push("rd.lvm.lv=centos/root");
  if (r.int(2) === 0) {
    args.push(`rd.tmpfs.size=${r.pick(["1G", "50%", "4k", "100%", "8k", "3Q", "0"])}`);
  }
  if (r.int(3) === 0) {
    args.push(
      `rd.tmpfs.imgfile=${
        r.pick([
          "images/rootfs.tar.gz",
          "/rootfs.tar.gz",
          "missing.tgz",
          "../x",
          "images/",
          "x[1-2].tgz",
          "x{a,b}.tgz",
          '"a b.tgz"',
          // Layers: all three, two, one missing, one twice.
          "base.tar.gz,site.tar.zst,node.tar",
          "base.tar.gz,site.tar.zst,node.tar",
          "base.tar.gz,node.tar",
          "base.tar.gz,missing.tar",
          "base.tar.gz,base.tar.gz",
        ])
      }`,
    );
  }
  // A short rd.retry most of the time: a device that never appears costs rd.retry virtual seconds.
  args.push(`rd.retry=${r.pick(["0", "1", "3", "6", "20"])}`);
  if (r.int(30) === 0) args.pop();
  if (r.int(2) === 0) args.push(`rd.tmpfs.retries=${r.pick(["0", "1", "2", "x"])}`);
  if (r.int(3) === 0) args.push(`rd.tmpfs.timeout=${r.pick(["1", "5", "31", "100", "0", "x"])}`);
  // Mirrors, in order: one that serves, one that is down, one that redirects, one that is no URL.
  // (With a web source most of the time; with another, the line is refused.)
  if (r.int(root.startsWith("tmpfs:http") ? 2 : 12) === 0) {
    for (let n = 1 + r.int(2); n > 0; n--) {
      args.push(
        `rd.tmpfs.mirror=${
          r.pick([
            `${MIRROR}/`,
            `${MIRROR}/${IMG}`,
            `${MIRROR}/`,
            `${MIRROR_DOWN}/`,
            `${WEBS}/${IMG}`,
            `${WEB}/moved.tar.gz`,
            "ftp://10.0.2.5/",
          ])
        }`,
      );
    }
  }
  // tmpfs options, valid or not; bind:1 and prefer:1 name a node a machine of one node lacks.
  if (r.int(5) === 0) {
    args.push(
      `rd.tmpfs.opts=${
        r.pick([
          "nr_inodes=100k",
          "nr_inodes=0,huge=within_size",
          "mode=0700",
          "mpol=interleave,nr_inodes=9",
          "mpol=bind:1,mode=0711",
          "huge=always,mpol=prefer:1",
          "size=1G",
          "mode=0755,mode=0700",
        ])
      }`,
    );
  }
  // A digest with a space in it is quoted, as a kernel command line must.
  if (sha256 !== null) args.push(`"rd.tmpfs.sha256=${sha256}"`);
  if (r.int(5) === 0) args.push(`rd.tmpfs.cafile=${r.pick(["/etc/ca.pem", "ca.pem"])}`);
  if (r.int(3) === 0) {
    args.push(`rd.tmpfs.onfail=${r.pick(["reboot", "poweroff", "halt", "emergency", "bogus"])}`);
  }
  if (r.int(3) === 0) args.push(r.pick(["ro", "quiet", "rd.shell", "console=ttyS0"]));
  // Typos in tmpfs-root's name space: a warning naming the closest parameter, once each.
  if (r.int(6) === 0) {
    args.push(
      r.pick(["rd.tmpfs.sise=2G", "rd.tmpfs.timout=5", "rd.tmpfs.", "rd.tmpfs.x=1 rd.tmpfs.x"]),
    );
  }
  // Shuffle a little: order must not matter, except that the last of a repeated parameter wins.
  if (r.int(3) === 0) args.reverse();
  return args.join(r.pick([" ", "  ", "\t"]));
}

function fault(r: Lcg): Fault {
  switch (r.int(12)) {
    case 0:
      return {
        kind: "mount",
        at: "source",
        error: "mount: /run/tmpfs-root/source.0: can't read superblock on /dev/vda1.",
      };
    case 1:
      return { kind: "mount", at: "tmpfs", error: "mount: /sysroot: out of memory." };
    case 2:
      return {
        kind: "umount",
        at: "source",
        lazyToo: r.int(2) === 0,
        error: "umount: /run/tmpfs-root/source.0: target is busy.",
      };
    case 3:
      return {
        kind: "umount",
        at: "tmpfs",
        lazyToo: false,
        error: "umount: /sysroot: target is busy.",
      };
    case 4:
      return {
        kind: "rmdir",
        error: "rmdir: failed to remove '/run/tmpfs-root/source.0': Directory not empty",
      };
    case 5:
      return { kind: "relabel", error: "setfiles: could not read policy" };
    default:
      return { kind: "none" };
  }
}
