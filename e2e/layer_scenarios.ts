/**
 * Real boots of layers (`rd.tmpfs.imgfile=base,site,node`), in both dracut
 * flavours, from a disk, an NFS export and a web server: the guest archive
 * is the base; a site layer (zstd) adds files and replaces the guest's
 * `/etc/e2e-expect` with its checks plus the layers' own; a node layer
 * (plain tar) replaces a file of the site's, removes another with an OCI
 * whiteout and makes a folder opaque. The guest checks the result: the
 * node's file, no whited-out path, only the node's entries in the opaque
 * folder, no `.wh.` entry and no stage folder anywhere in the root.
 *
 * With a digest for each layer (disk), a sidecar beside each (web), the
 * manifests' sizes added up (disk, no rd.tmpfs.size), and one layer whose
 * digest is wrong, which stops the boot naming that layer.
 *
 * @module
 */
import $ from "dax";
import { formatManifest } from "@tmpfs-root/model";
import { makeDisk } from "./lib/disk.ts";
import { buildGuestArchive } from "./lib/guest.ts";
import { sha256Hex } from "./lib/_hash.ts";
import { CACHE_DIR, exists } from "./lib/_paths.ts";
import { bothFlavoursNet, HTTP_PORT, networkArchive, NFS_EXPORT } from "./lib/network_env.ts";
import { literal, once, type Scenario } from "./lib/scenario.ts";

const HTTP = `http://10.0.2.2:${HTTP_PORT}`;
const MiB = 1024 ** 2;

/** The checks the site layer appends to the base's `/etc/e2e-expect`. */
const LAYER_CHECKS = String.raw`
# layer checks (e2e/layer_scenarios.ts)
check_content /etc/e2e-layer node-17
[ ! -e /etc/e2e-layer-gone ] || fail "the whiteout of node.tar left /etc/e2e-layer-gone"
[ ! -e /var/e2e-opaque/a ] || fail "the opaque /var/e2e-opaque of node.tar left a"
check_content /var/e2e-opaque/b b
_wh=$(find / -xdev -name '.wh.*' 2>/dev/null | head -n 3 | tr '\n' ' ')
[ -z "$_wh" ] || fail "whiteouts in the booted root: $_wh"
_stage=$(find / -xdev -maxdepth 1 -name '.tmpfs-root-layer*' 2>/dev/null | head -n 1)
[ -z "$_stage" ] || fail "a stage folder is left: $_stage"
note "layers: $(cat /etc/e2e-layer), opaque: $(ls /var/e2e-opaque | tr '\n' ' ')"
`;

/** The layer files, by name, for a base archive (gzip): the base, site and node, and digests. */
interface Layers {
  readonly files: Readonly<Record<string, string>>;
  readonly digests: readonly string[];
}

const NAMES = ["base.tar.gz", "site.tar.zst", "node.tar"] as const;

/** Writes `tree` (path -> text) under `dir`, every folder 0755. */
async function writeTree(dir: string, tree: Readonly<Record<string, string>>): Promise<void> {
  for (const [path, text] of Object.entries(tree)) {
    await Deno.mkdir(`${dir}/${path}`.replace(/\/[^/]*$/, ""), { recursive: true, mode: 0o755 });
    await Deno.writeTextFile(`${dir}/${path}`, text, { mode: 0o644 });
  }
  await $`chmod -R u=rwX,go=rX ${dir}`;
}

/** Builds (or takes from `.cache/e2e-layers/`) the site and node layers over `base`. */
async function layersOver(base: string): Promise<Layers> {
  const key = (await sha256Hex(JSON.stringify({ base, LAYER_CHECKS, v: 1 }))).slice(0, 12);
  const dir = `${CACHE_DIR}/e2e-layers/${key}`;
  if (!(await exists(`${dir}/done`))) {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
    await Deno.mkdir(dir, { recursive: true });
    // The last member of that name wins, as on extraction (the network archive has two).
    await Deno.mkdir(`${dir}/base`);
    await $`sh -c ${'pigz -dc "$1" | tar -xf - -C "$2" ./etc/e2e-expect'} sh ${base} ${`${dir}/base`}`;
    const expect = await Deno.readTextFile(`${dir}/base/etc/e2e-expect`);
    await writeTree(`${dir}/site`, {
      "etc/e2e-expect": `${expect}\n${LAYER_CHECKS}`,
      "etc/e2e-layer": "site",
      "etc/e2e-layer-gone": "site",
      "var/e2e-opaque/a": "a",
    });
    await writeTree(`${dir}/node`, {
      "etc/e2e-layer": "node-17",
      "etc/.wh.e2e-layer-gone": "",
      "var/e2e-opaque/.wh..wh..opq": "",
      "var/e2e-opaque/b": "b",
    });
    const tar = "tar --numeric-owner --owner=0 --group=0 --sort=name -C";
    await $`sh -c ${`${tar} "$1/site" -cf - . | zstd -q -o "$1/site.tar.zst"`} sh ${dir}`;
    await $`sh -c ${`${tar} "$1/node" -cf "$1/node.tar" .`} sh ${dir}`;
    await Deno.copyFile(base, `${dir}/base.tar.gz`);
    for (const name of NAMES) {
      const sum = await sha256Hex(await Deno.readFile(`${dir}/${name}`));
      await Deno.writeTextFile(`${dir}/${name}.sha256`, `${sum}  ${name}\n`);
    }
    await Deno.writeTextFile(`${dir}/done`, "");
  }
  const files: Record<string, string> = {};
  const digests: string[] = [];
  for (const name of NAMES) {
    files[name] = `${dir}/${name}`;
    files[`${name}.sha256`] = `${dir}/${name}.sha256`;
    digests.push(await sha256Hex(await Deno.readFile(`${dir}/${name}`)));
  }
  return { files, digests };
}

const DISK = await layersOver((await buildGuestArchive({})).path);
const NET = await layersOver(await networkArchive());

/** Manifests beside the disk's layers: 100 MiB and 1,000 inodes, then 1 MiB and 10 each. */
async function manifests(): Promise<Record<string, string>> {
  const dir = `${CACHE_DIR}/e2e-layers/manifests`;
  await Deno.mkdir(dir, { recursive: true });
  const out: Record<string, string> = {};
  for (const [i, name] of NAMES.entries()) {
    const text = formatManifest({
      archive: name,
      format: "gzip",
      compressedBytes: 1,
      unpackedBytes: i === 0 ? 100 * MiB : MiB,
      inodes: i === 0 ? 1000 : 10,
      sha256: "0".repeat(64),
    });
    await Deno.writeTextFile(`${dir}/${name}.manifest`, text);
    out[`${name}.manifest`] = `${dir}/${name}.manifest`;
  }
  return out;
}

const disk = once(async () =>
  makeDisk({ name: "layers", table: "mbr", files: { ...DISK.files, ...await manifests() } })
);

/** Files under `layers/` of the servers' root. */
const served = () =>
  Promise.resolve(
    Object.fromEntries(Object.entries(NET.files).map(([n, p]) => [`layers/${n}`, p])),
  );

const LAYERS = `rd.tmpfs.imgfile=${NAMES.join(",")}`;
const PASSED = /TMPFS-ROOT-E2E-NOTE: layers: node-17, opaque: b $/m;

/** The layer scenarios (10 boots). */
export const LAYER_SCENARIOS: readonly Scenario[] = [
  // From a disk, a digest for each layer.
  ...bothFlavoursNet("layers", "layers-", {
    name: "block-sha256",
    cmdline: `root=tmpfs:/dev/vda1 ${LAYERS} rd.tmpfs.size=256M rd.tmpfs.sha256=${
      DISK.digests.join(",")
    } ro`,
    disk,
    expect: { kind: "pass", tmpfsSize: "256M" },
    require: [PASSED],
  }),
  // No rd.tmpfs.size: the manifests add up (102 MiB and 1,020 inodes, and their headroom).
  ...bothFlavoursNet("layers", "layers-", {
    name: "block-manifests",
    cmdline: `root=tmpfs:/dev/vda1 ${LAYERS} ro`,
    disk,
    expect: { kind: "pass", tmpfsSize: "166M" },
    require: [PASSED, /TMPFS-ROOT-E2E-NOTE: root: tmpfs \/ tmpfs \S*nr_inodes=17404/],
  }),
  // The site layer's digest is the node's: the boot stops naming the site layer.
  ...bothFlavoursNet("layers", "layers-", {
    name: "block-wrong-digest",
    cmdline: `root=tmpfs:/dev/vda1 ${LAYERS} rd.tmpfs.size=256M rd.tmpfs.sha256=${
      [DISK.digests[0], DISK.digests[2], DISK.digests[2]].join(",")
    } ro`,
    disk,
    expect: {
      kind: "fail",
      step: "verify",
      line: new RegExp(
        literal(
          `tmpfs-root: verify failed: site.tar.zst has sha256 ${DISK.digests[1]}, expected ${
            DISK.digests[2]
          }`,
        ),
      ),
    },
  }),
  // From NFS: each layer's path under the export.
  ...bothFlavoursNet("layers", "layers-", {
    name: "nfs",
    cmdline: `root=tmpfs:NFS=nfs:10.0.2.2:${NFS_EXPORT},tcp,vers=3 rd.tmpfs.imgfile=${
      NAMES.map((n) => `layers/${n}`).join(",")
    } ip=dhcp rd.neednet=1 rd.tmpfs.size=256M ro`,
    net: { nfs: "up", extraFiles: served },
    expect: { kind: "pass", tmpfsSize: "256M" },
    require: [PASSED],
  }),
  // From a web server: each layer's name appended to the URL, a sidecar beside each.
  ...bothFlavoursNet("layers", "layers-", {
    name: "http-sidecar",
    cmdline:
      `root=tmpfs:${HTTP}/layers/ ${LAYERS} rd.tmpfs.verify=sidecar ip=dhcp rd.neednet=1 rd.tmpfs.size=256M ro`,
    net: { extraFiles: served },
    expect: { kind: "pass", tmpfsSize: "256M" },
    require: [PASSED],
  }),
];
