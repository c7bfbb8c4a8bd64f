// rd.tmpfs.sha256: the archive's bytes hashed on their way to the decompressor, the digest
// compared right after the unpack, for every kind of source; which failure is named when a
// stream is also cut, too large or late.
import assert from "#assert";
import { createHash } from "node:crypto";
import {
  archiveFetches,
  assertClean,
  boot,
  events,
  messageOf,
  ROOT_ENTRIES,
  TGZ,
  VM,
  WEB,
  withWeb,
} from "./_testing.ts";
import { makeArchive, tarHeaderClaiming } from "./make_archive.ts";
import type { Vm } from "./vm.ts";

/** The digest as sha256sum prints it, by another implementation than the simulator's. */
function sha256sum(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

const GOOD = sha256sum(TGZ);
/** The digest of another archive: what a wrong image, or a changed one, has. */
const OTHER = sha256sum(await makeArchive({ "etc/os-release": "ID=other\n" }, "gzip"));

/** Each kind of source in VM, and the name its failure lines give the archive. */
const SOURCES: readonly (readonly [string, string, string])[] = [
  ["a block device", "root=tmpfs:/dev/vda1 rd.tmpfs.imgfile=rootfs.tgz", "rootfs.tgz"],
  [
    "an NFS export",
    "root=tmpfs:NFS=nfs:10.0.0.11:/nfsexport rd.tmpfs.imgfile=images/rootfs.tar.gz",
    "images/rootfs.tar.gz",
  ],
  ["a web server", `root=tmpfs:${WEB}/rootfs.tar.gz`, `${WEB}/rootfs.tar.gz`],
];

for (const [what, cmdline, name] of SOURCES) {
  Deno.test(`simulate() hashes the archive from ${what} and boots when rd.tmpfs.sha256 matches`, async () => {
    const r = await boot(`${cmdline} rd.tmpfs.sha256=${GOOD}`);
    assert.equal(messageOf(r), "switched");
    assert.deepEqual(events(r, "unpack").map((e) => e.sha256), [GOOD]);
    assert.deepEqual(events(r, "verify").map(({ step: _, ...e }) => e), [
      { kind: "verify", archive: name, sha256: GOOD, expected: GOOD, failed: null },
    ]);
    // Checked before the boot goes on: right after the unpack, before the source is released.
    const kinds = r.events.map((e) => e.kind);
    assert.equal(kinds.indexOf("verify"), kinds.indexOf("unpack") + 1);
  });

  Deno.test(`simulate() stops a boot from ${what} whose archive has another sha256, undoing every mount`, async () => {
    const r = await boot(`${cmdline} rd.tmpfs.sha256=${OTHER} rd.tmpfs.onfail=poweroff`);
    assert.equal(
      messageOf(r),
      `tmpfs-root: verify failed: ${name} has sha256 ${GOOD}, expected ${OTHER}`,
    );
    assert.equal(r.outcome.kind === "stopped" && r.outcome.stepId, "verify");
    assert.equal(r.outcome.kind === "stopped" && r.outcome.policy, "poweroff");
    assert.ok(!r.events.some((e) => e.kind === "handOver"));
    // The unpacked tree goes with the tmpfs.
    assert.ok(r.events.some((e) => e.kind === "unmount" && e.target === "/sysroot" && e.undo));
    assertClean(r);
  });
}

Deno.test("simulate() reads rd.tmpfs.sha256 in upper case as the same digest", async () => {
  const r = await boot(
    `root=tmpfs:/dev/vda1 rd.tmpfs.imgfile=rootfs.tgz rd.tmpfs.sha256=${GOOD.toUpperCase()}`,
  );
  assert.equal(messageOf(r), "switched");
  assert.equal(events(r, "verify")[0]?.expected, GOOD);
});

Deno.test("simulate() stops at an invalid rd.tmpfs.sha256 before anything is mounted", async () => {
  for (const bad of [GOOD.slice(1), `${GOOD}0`, `${GOOD.slice(1)}z`]) {
    const r = await boot(`root=tmpfs:/dev/vda1 rd.tmpfs.imgfile=rootfs.tgz rd.tmpfs.sha256=${bad}`);
    assert.match(messageOf(r), /^tmpfs-root: cmdline failed: invalid rd\.tmpfs\.sha256 "/);
    assert.ok(messageOf(r).includes(`"${bad}": expected the archive's SHA-256`));
    assert.deepEqual(events(r, "mount"), []);
  }
});

Deno.test("simulate() neither hashes nor verifies without rd.tmpfs.sha256", async () => {
  for (const given of ["", " rd.tmpfs.sha256="]) {
    const r = await boot(`root=tmpfs:/dev/vda1 rd.tmpfs.imgfile=rootfs.tgz${given}`);
    assert.equal(messageOf(r), "switched");
    assert.deepEqual(events(r, "verify"), []);
    assert.ok(events(r, "unpack").every((e) => !("sha256" in e)));
  }
});

Deno.test("simulate() says truncated, not verify, for a cut archive with the whole one's digest", async () => {
  const cut = TGZ.slice(0, Math.floor(TGZ.length / 2));
  const atBoundary = await makeArchive(ROOT_ENTRIES, "gzip", { ending: "cut" });
  for (const file of [cut, atBoundary]) {
    const vm: Vm = { ...VM, disks: [{ path: "/dev/vda1", files: { "rootfs.img": file } }] };
    const r = await boot(
      `root=tmpfs:/dev/vda1 rd.tmpfs.imgfile=rootfs.img rd.tmpfs.sha256=${GOOD}`,
      vm,
    );
    assert.equal(messageOf(r), "tmpfs-root: unpack failed: rootfs.img is truncated");
    // The stream was hashed all the same: the digest is of what came.
    assert.deepEqual(events(r, "unpack").map((e) => e.sha256), [sha256sum(file)]);
    assert.deepEqual(events(r, "verify"), []);
    assertClean(r);
  }
});

Deno.test("simulate() hashes each download try afresh: a dropped try's bytes never count", async () => {
  const r = await boot(
    `root=tmpfs:${WEB}/rootfs.tar.gz rd.tmpfs.sha256=${GOOD}`,
    withWeb({ url: `${WEB}/rootfs.tar.gz`, body: TGZ, failFirst: 2, failWith: "drop" }),
  );
  assert.equal(messageOf(r), "switched");
  const half = sha256sum(TGZ.subarray(0, Math.floor(TGZ.length / 2)));
  assert.deepEqual(events(r, "unpack").map((e) => e.sha256), [half, half, GOOD]);
  assert.deepEqual(events(r, "verify").map((e) => e.sha256), [GOOD]);
});

Deno.test("simulate() does not try a download again whose digest differs", async () => {
  const r = await boot(
    `root=tmpfs:${WEB}/rootfs.tar.gz rd.tmpfs.sha256=${OTHER} rd.tmpfs.retries=5`,
    withWeb({ url: `${WEB}/rootfs.tar.gz`, body: TGZ }),
  );
  assert.match(messageOf(r), /^tmpfs-root: verify failed: /);
  assert.equal(archiveFetches(r).length, 1);
});

Deno.test("simulate() names the byte cap and the deadline, not the digest, for a cut download", async () => {
  const header = await tarHeaderClaiming("huge.bin", 2 ** 40);
  const large = await boot(
    `root=tmpfs:${WEB}/endless.tar rd.tmpfs.size=1m rd.tmpfs.sha256=${GOOD}`,
    withWeb({ url: `${WEB}/endless.tar`, body: header, endless: true }),
  );
  assert.equal(
    messageOf(large),
    `tmpfs-root: unpack failed: ${WEB}/endless.tar is larger than the tmpfs (1048576 bytes, rd.tmpfs.size=1m)`,
  );
  const late = await boot(
    `root=tmpfs:${WEB}/rootfs.tar.gz rd.tmpfs.timeout=40 rd.tmpfs.sha256=${GOOD}`,
    withWeb({ url: `${WEB}/rootfs.tar.gz`, body: TGZ, stallAfter: 100 }),
  );
  assert.equal(
    messageOf(late),
    `tmpfs-root: unpack failed: download of ${WEB}/rootfs.tar.gz did not finish within 40 s (rd.tmpfs.timeout=40)`,
  );
  for (const r of [large, late]) {
    assert.deepEqual(events(r, "verify"), []);
    assertClean(r);
  }
});

Deno.test("simulate() names a full tmpfs before the digest", async () => {
  const big = await makeArchive({ big: new Uint8Array(65536) }, "gzip");
  const vm: Vm = { ...VM, disks: [{ path: "/dev/vda1", files: { "rootfs.img": big } }] };
  const r = await boot(
    `root=tmpfs:/dev/vda1 rd.tmpfs.imgfile=rootfs.img rd.tmpfs.size=8k rd.tmpfs.sha256=${OTHER}`,
    vm,
  );
  assert.equal(
    messageOf(r),
    "tmpfs-root: unpack failed: the tmpfs is full (size=8k): the archive needs more",
  );
  assert.deepEqual(events(r, "verify"), []);
});

Deno.test("simulate() checks the digest after tar has finished, its warnings given", async () => {
  const odd = await makeArchive({
    ...ROOT_ENTRIES,
    "etc/odd": { data: "x", xattrs: { "odd.name": "1" } },
  }, "gzip");
  const vm: Vm = { ...VM, disks: [{ path: "/dev/vda1", files: { "rootfs.img": odd } }] };
  const r = await boot(
    `root=tmpfs:/dev/vda1 rd.tmpfs.imgfile=rootfs.img rd.tmpfs.sha256=${OTHER}`,
    vm,
  );
  assert.deepEqual(
    r.events.flatMap((e) => e.kind === "warn" || e.kind === "verify" ? [e.kind] : []),
    [
      "warn",
      "verify",
    ],
  );
  assert.equal(
    messageOf(r),
    `tmpfs-root: verify failed: rootfs.img has sha256 ${sha256sum(odd)}, expected ${OTHER}`,
  );
  assertClean(r);
});

Deno.test("simulate() verifies in the systemd flavour too, and stops its service", async () => {
  const vm: Vm = { ...VM, flavour: "systemd" };
  const r = await boot(
    `root=tmpfs:/dev/vda1 rd.tmpfs.imgfile=rootfs.tgz rd.tmpfs.sha256=${OTHER}`,
    vm,
  );
  assert.match(messageOf(r), /^tmpfs-root: verify failed: rootfs\.tgz has sha256 /);
  assertClean(r);
});
