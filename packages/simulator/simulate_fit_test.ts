// The manifest and the tmpfs's size: sized from the manifest when rd.tmpfs.size is not given,
// stopped before anything is mounted when the archive cannot fit, a manifest that is not valid
// or lies, and manifests from web servers and mirrors.
import assert from "#assert";
import { formatManifest, type Manifest } from "@tmpfs-root/model";
import { boot, events, messageOf, TGZ, VM, WEB, withWeb } from "./_testing.ts";
import type { Vm } from "./vm.ts";

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;

function manifestFor(archive: string, unpackedBytes: number, inodes = 100): Uint8Array {
  const m: Manifest = {
    archive,
    format: "gzip",
    compressedBytes: TGZ.length,
    unpackedBytes,
    inodes,
    sha256: "0".repeat(64),
  };
  return new TextEncoder().encode(formatManifest(m));
}

/** VM's first disk holding rootfs.tgz and, when given, its manifest; `ram` bytes of RAM. */
function withManifest(manifest: Uint8Array | null, ram = 4 * GiB): Vm {
  const files = {
    "rootfs.tgz": TGZ,
    ...(manifest === null ? {} : { "rootfs.tgz.manifest": manifest }),
  };
  return { ...VM, ram, disks: [{ path: "/dev/vda1", files }] };
}

const BLOCK = "root=tmpfs:/dev/vda1 rd.tmpfs.imgfile=rootfs.tgz";
const tmpfsMounts = (r: Awaited<ReturnType<typeof boot>>) =>
  events(r, "mount").filter((e) => e.fstype === "tmpfs");

Deno.test("simulate() sizes the tmpfs from the manifest when rd.tmpfs.size is not given", async () => {
  const r = await boot(BLOCK, withManifest(manifestFor("rootfs.tgz", 100 * MiB, 1000)));
  assert.equal(messageOf(r), "switched");
  // 100 MiB and 64 MiB of headroom; 1,000 inodes and 16,384 more.
  assert.deepEqual(tmpfsMounts(r).map((e) => e.options), [
    `size=${164 * MiB},nr_inodes=17384,mode=0755`,
  ]);
  // Without a manifest, the default; with rd.tmpfs.size, that size (and the manifest's inodes).
  const none = await boot(BLOCK, withManifest(null));
  assert.deepEqual(tmpfsMounts(none).map((e) => e.options), ["size=50%,mode=0755"]);
  const given = await boot(
    `${BLOCK} rd.tmpfs.size=1G`,
    withManifest(manifestFor("rootfs.tgz", 100 * MiB, 1000)),
  );
  assert.deepEqual(tmpfsMounts(given).map((e) => e.options), [
    "size=1G,nr_inodes=17384,mode=0755",
  ]);
});

Deno.test("simulate() caps a tmpfs sized from the manifest at the RAM less its reserve", async () => {
  // 900 MiB on a machine of 1 GiB: the reserve is 128 MiB, so 896 MiB may be used, and the
  // archive fits, in a tmpfs of 896 MiB rather than 990.
  const r = await boot(BLOCK, withManifest(manifestFor("rootfs.tgz", 890 * MiB), GiB));
  assert.equal(messageOf(r), "switched");
  assert.match(tmpfsMounts(r)[0]!.options, new RegExp(`^size=${896 * MiB},`));
});

Deno.test("simulate() stops before mounting the tmpfs when the manifest says the archive cannot fit", async () => {
  for (
    const [cmdline, ram, line] of [
      [
        `${BLOCK} rd.tmpfs.size=2G`,
        8 * GiB,
        "tmpfs-root: tmpfs failed: rootfs.tgz unpacks to 3.1 GiB, rd.tmpfs.size=2G allows 2.0 GiB",
      ],
      [
        BLOCK,
        2 * GiB,
        "tmpfs-root: tmpfs failed: rootfs.tgz unpacks to 3.1 GiB, the RAM less its reserve allows 1.8 GiB",
      ],
    ] as const
  ) {
    const r = await boot(
      cmdline,
      withManifest(manifestFor("rootfs.tgz", Math.round(3.1 * GiB)), ram),
    );
    assert.equal(messageOf(r), line);
    assert.equal(r.outcome.kind === "stopped" && r.outcome.stepId, "fit");
    assert.deepEqual(tmpfsMounts(r), [], "no tmpfs was mounted");
    assert.deepEqual(events(r, "unpack"), []);
  }
  // Sizes that would read the same are given in bytes.
  const close = await boot(
    `${BLOCK} rd.tmpfs.size=2G`,
    withManifest(manifestFor("rootfs.tgz", 2 * GiB + 4096)),
  );
  assert.equal(
    messageOf(close),
    "tmpfs-root: tmpfs failed: rootfs.tgz unpacks to 2147487744 bytes, rd.tmpfs.size=2G allows 2147483648 bytes",
  );
});

Deno.test("simulate() stops at a manifest that is not valid, or is another archive's", async () => {
  const bad = new TextEncoder().encode("version=1\nno equals sign\n");
  const r = await boot(BLOCK, withManifest(bad));
  assert.equal(
    messageOf(r),
    "tmpfs-root: manifest failed: rootfs.tgz.manifest is not a valid manifest: line 2 is not key=value",
  );
  assert.deepEqual(tmpfsMounts(r), []);
  const other = await boot(BLOCK, withManifest(manifestFor("base.tar.zst", MiB)));
  assert.equal(
    messageOf(other),
    "tmpfs-root: manifest failed: rootfs.tgz.manifest is not a valid manifest: it is for base.tar.zst",
  );
});

Deno.test("simulate() says the manifest was wrong when the tmpfs fills up anyway", async () => {
  // The archive holds 64 KiB of data; the manifest says 4 KiB, which fits in 8k.
  const big = (await import("./_testing.ts")).BIG_TGZ;
  const vm: Vm = {
    ...VM,
    disks: [{
      path: "/dev/vda1",
      files: { "rootfs.tgz": big, "rootfs.tgz.manifest": manifestFor("rootfs.tgz", 4096, 2) },
    }],
  };
  const r = await boot(`${BLOCK} rd.tmpfs.size=8k`, vm);
  assert.equal(
    messageOf(r),
    "tmpfs-root: unpack failed: the tmpfs is full (size=8k,nr_inodes=16386): the archive needs more than rootfs.tgz.manifest says",
  );
});

Deno.test("simulate() reads a web source's manifest from the first URL that serves one", async () => {
  const mirror = "http://10.0.2.5:8080";
  const vm = withWeb(
    { url: `${WEB}/rootfs.tar.gz`, body: TGZ },
    { url: `${WEB}/rootfs.tar.gz.manifest`, body: new Uint8Array(0), status: 500 },
    { url: `${mirror}/rootfs.tar.gz.manifest`, body: manifestFor("rootfs.tar.gz", 10 * MiB) },
  );
  const r = await boot(`root=tmpfs:${WEB}/ rd.tmpfs.mirror=${mirror}/`, vm);
  assert.equal(messageOf(r), "switched");
  assert.deepEqual(events(r, "warn").map((e) => e.text), [
    `tmpfs-root: warning: could not download ${WEB}/rootfs.tar.gz.manifest: curl: (22) The requested URL returned error: 500; sizing the tmpfs without a manifest`,
  ]);
  assert.match(tmpfsMounts(r)[0]!.options, new RegExp(`^size=${74 * MiB},nr_inodes=16484,`));
});
